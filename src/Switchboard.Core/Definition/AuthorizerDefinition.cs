namespace Switchboard.Definition;

/// <summary>
/// Who may connect to a WebSocket API (<c>authorizer</c>), checked on every handshake before <c>$connect</c>:
/// <c>apiKey</c> (an API key in a header or query parameter), <c>jwt</c> (a bearer token), or <c>lambda</c> /
/// <c>http</c> (a REQUEST authorizer function, called as API Gateway calls one).
/// </summary>
public sealed record AuthorizerDefinition
{
    /// <summary><c>apiKey</c>, <c>jwt</c>, <c>lambda</c> or <c>http</c>. Required.</summary>
    public string Type { get; init; } = "";

    /// <summary>
    /// <c>apiKey</c>: the header that carries the key. Optional; default <c>x-api-key</c>. <c>jwt</c>: the header that carries
    /// <c>Bearer TOKEN</c>. Optional; default <c>Authorization</c>.
    /// </summary>
    public string? Header { get; init; }

    /// <summary>
    /// <c>apiKey</c> and <c>jwt</c>: a query parameter that may carry the key or token instead (browsers cannot set
    /// headers on a WebSocket handshake). Optional; default none.
    /// </summary>
    public string? QueryParameter { get; init; }

    /// <summary><c>jwt</c>: the required <c>iss</c>. Required there.</summary>
    public string? Issuer { get; init; }

    /// <summary><c>jwt</c>: the accepted <c>aud</c> values (one must match). Required there.</summary>
    public IReadOnlyList<string>? Audiences { get; init; }

    /// <summary><c>jwt</c>: the environment variable holding the HS256 shared secret. One of this, <c>jwksFile</c> or <c>jwksUrl</c>.</summary>
    public string? SecretEnv { get; init; }

    /// <summary><c>jwt</c>: a JWKS file with the RS256/ES256 public keys.</summary>
    public string? JwksFile { get; init; }

    /// <summary><c>jwt</c>: a JWKS URL (an identity provider's <c>jwks_uri</c>); fetched at start and refreshed.</summary>
    public string? JwksUrl { get; init; }

    /// <summary>
    /// <c>lambda</c> and <c>http</c>: request parameters that must be present and non-empty, else 401 without a call
    /// (<c>route.request.header.NAME</c>, <c>route.request.querystring.NAME</c>). Optional; default
    /// <c>route.request.header.Authorization</c>. They also key the result cache.
    /// </summary>
    public IReadOnlyList<string>? IdentitySource { get; init; }

    /// <summary>
    /// <c>lambda</c> and <c>http</c>: seconds an answer is reused for the same identity values, 0 to 3600. Optional;
    /// default 0 (every handshake calls the authorizer).
    /// </summary>
    public int? ResultTtlSeconds { get; init; }

    /// <summary><c>lambda</c>: base URL of the Lambda Invoke API. Required there.</summary>
    public string? Endpoint { get; init; }

    /// <summary><c>lambda</c>: the authorizer function. Required there.</summary>
    public string? Function { get; init; }

    /// <summary><c>lambda</c>: sign the invoke with SigV4 (AWS credentials from the environment). Optional; default false.</summary>
    public bool? Sign { get; init; }

    /// <summary><c>http</c>: the URL the authorizer event is POSTed to. Required there.</summary>
    public string? Uri { get; init; }

    /// <summary><c>lambda</c> and <c>http</c>: how long to wait for the answer, 50 to 29,000 ms. Optional; default 10,000.</summary>
    public int? TimeoutMilliseconds { get; init; }
}
