using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Switchboard.Connections;
using Switchboard.Definition;

namespace Switchboard.Authorizers;

/// <summary>
/// <c>jwt</c>: the handshake must carry a JSON Web Token, in a header (default <c>Authorization</c>, the token alone or
/// after <c>Bearer </c>, as API Gateway's HTTP API JWT authorizer reads it) or, for browsers, in a named query
/// parameter. It must be signed by a configured key with an allowed algorithm (HS256 with <c>secretEnv</c>; RS256 or
/// ES256 with <c>jwksFile</c> or <c>jwksUrl</c>; never <c>none</c>), carry the configured <c>iss</c>, and pass
/// <see cref="JwtClaims"/>' audience and lifetime checks on the gateway's clock. Any failure is 401 Unauthorized, as
/// API Gateway answers. Admitted, the principal is <c>sub</c> and the context is the token's scalar claims.
/// </summary>
internal sealed partial class JwtAuthorizer : IConnectAuthorizer
{
    private static readonly JsonWebTokenHandler Handler = new();

    private readonly string _header;
    private readonly string? _queryParameter;
    private readonly string _issuer;
    private readonly IReadOnlyList<string> _audiences;
    private readonly IJwtKeys _keys;
    private readonly string[] _algorithms;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    private JwtAuthorizer(string header, string? queryParameter, string issuer, IReadOnlyList<string> audiences, IJwtKeys keys, string[] algorithms, TimeProvider time, ILogger logger)
    {
        _header = header;
        _queryParameter = queryParameter;
        _issuer = issuer;
        _audiences = audiences;
        _keys = keys;
        _algorithms = algorithms;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Builds the authorizer from its validated definition. A secret that is not set or too short, or a JWKS file that
    /// cannot be read or has no usable key, throws <see cref="InvalidOperationException"/>; a JWKS URL that cannot be
    /// fetched yet does not (it is retried, and tokens are refused meanwhile).
    /// </summary>
    public static JwtAuthorizer Create(AuthorizerDefinition definition, Func<string, string?> environment, HttpClient http, TimeProvider time, ILoggerFactory loggers)
    {
        IJwtKeys keys;
        string[] algorithms;
        if (definition.SecretEnv is { Length: > 0 } variable)
        {
            keys = new FixedJwtKeys(JwtKeySources.FromSecret(variable, environment(variable)));
            algorithms = [SecurityAlgorithms.HmacSha256];
        }
        else
        {
            keys = definition switch
            {
                { JwksFile: { Length: > 0 } path } => new FixedJwtKeys(JwtKeySources.FromFile(path)),
                { JwksUrl: { Length: > 0 } url } => RemoteJwks.Start(new Uri(url), http, time, loggers.CreateLogger<RemoteJwks>()),
                _ => throw new InvalidOperationException("jwt authorizer: one of secretEnv, jwksFile or jwksUrl is required"),
            };
            algorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256];
        }

        return new JwtAuthorizer(
            definition.Header ?? "Authorization",
            definition.QueryParameter,
            definition.Issuer ?? throw new InvalidOperationException("jwt authorizer: an issuer is required"),
            definition.Audiences ?? throw new InvalidOperationException("jwt authorizer: at least one audience is required"),
            keys,
            algorithms,
            time,
            loggers.CreateLogger<JwtAuthorizer>());
    }

    public async ValueTask<AuthorizerDecision> AuthorizeAsync(AuthorizerRequest request, CancellationToken cancellationToken)
    {
        if (ReadToken(request.Handshake) is not { } token)
        {
            return Refuse("no token");
        }

        JsonWebToken jwt;
        try
        {
            jwt = Handler.ReadJsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return Refuse("not a JWT");
        }

        var keys = await _keys.FindAsync(jwt.Kid, cancellationToken).ConfigureAwait(false);
        if (keys.Count == 0)
        {
            return Refuse("no key for its kid");
        }

        // Audience and lifetime are checked by JwtClaims instead: the library reads the wall clock, and knows no client_id fallback.
        var result = await Handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = _issuer,
            ValidAlgorithms = _algorithms,
            IssuerSigningKeys = keys,
            ValidateAudience = false,
            ValidateLifetime = false,
        }).ConfigureAwait(false);
        if (!result.IsValid)
        {
            // The exception's type names the failed check; its message may quote the token, so it is not logged.
            return Refuse(result.Exception?.GetType().Name ?? "invalid");
        }

        var claims = JwtClaims.Read(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
        if (claims is null)
        {
            return Refuse("a time claim that is not a number");
        }

        if (!claims.IsCurrent(_time.GetUtcNow()))
        {
            return Refuse("expired, not yet valid or without exp");
        }

        return claims.IsFor(_audiences)
            ? AuthorizerDecision.Allow(new ConnectionIdentity(claims.Subject, claims.Context))
            : Refuse("audience");
    }

    private string? ReadToken(ConnectContext handshake)
    {
        var value = handshake.Header(_header);
        if (string.IsNullOrWhiteSpace(value) && _queryParameter is not null)
        {
            value = handshake.Query.LastOrDefault(q => string.Equals(q.Key, _queryParameter, StringComparison.Ordinal)).Value;
        }

        value = value?.Trim();
        if (value is not null && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            value = value["Bearer ".Length..].TrimStart();
        }

        return string.IsNullOrEmpty(value) ? null : value;
    }

    private AuthorizerDecision Refuse(string reason)
    {
        LogRefused(_logger, reason);
        return AuthorizerDecision.Unauthorized;
    }

    [LoggerMessage(EventId = 804, Level = LogLevel.Debug, Message = "jwt authorizer refused a token: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}
