namespace Switchboard.Definition;

// The lambda and http types' settings; part of the definition model (see Definition/IntegrationDefinition.cs).
public sealed partial record IntegrationDefinition
{
    /// <summary>
    /// <c>lambda</c>: base URL of a Lambda Invoke API (the Runtime Interface Emulator, LocalStack, or
    /// <c>https://lambda.REGION.amazonaws.com</c>). Required there; e.g. <c>http://127.0.0.1:9001</c>.
    /// </summary>
    public string? Endpoint { get; init; }

    /// <summary><c>lambda</c>: the function name (or ARN) to invoke. Required there.</summary>
    public string? Function { get; init; }

    /// <summary>
    /// <c>lambda</c>: sign the invoke with AWS Signature Version 4 (service <c>lambda</c>), with credentials from the
    /// standard AWS environment variables. Optional; default <c>false</c>.
    /// </summary>
    public bool? Sign { get; init; }

    /// <summary><c>http</c>: the URL the event is POSTed to. Required there; e.g. <c>http://127.0.0.1:5000/events</c>.</summary>
    public string? Uri { get; init; }

    /// <summary><c>lambda</c> and <c>http</c>: how long to wait for an answer, 50 to 29,000 ms. Optional; default 29,000, as API Gateway.</summary>
    public int? TimeoutMilliseconds { get; init; }

    /// <summary>
    /// <c>lambda</c> and <c>http</c>: calls to this integration in flight at once, across all connections; more wait
    /// their turn (within their timeout). Optional; default 256.
    /// </summary>
    public int? MaxConcurrency { get; init; }

    /// <summary>
    /// <c>lambda</c> and <c>http</c>: mapping templates by content type; only <c>application/json</c> is used. The
    /// rendered template is the event instead of the proxy event, and on a REST method the function's result is
    /// answered as JSON with 200. Optional; default none (proxy integration).
    /// </summary>
    public IReadOnlyDictionary<string, string>? RequestTemplates { get; init; }
}
