namespace Switchboard.Definition;

// The broadcast type's settings; part of the definition model (see Definition/IntegrationDefinition.cs).
public sealed partial record IntegrationDefinition
{
    /// <summary>
    /// <c>broadcast</c> on a WebSocket route: JSON path into the message whose value is sent
    /// (a string as its text, any other JSON value as its JSON text). Required there; e.g. <c>$request.body.message</c>.
    /// </summary>
    public string? Payload { get; init; }

    /// <summary><c>broadcast</c> on a WebSocket route: <c>others</c> (everyone in the API and stage, or the group, but the sender) or <c>all</c>. Optional; default <c>others</c>.</summary>
    public string? Recipients { get; init; }

    /// <summary><c>broadcast</c> on a WebSocket route: a shared secret the message must carry. Optional; default no check.</summary>
    public SecretDefinition? Secret { get; init; }

    /// <summary>
    /// <c>broadcast</c> on a REST method: integration parameters by name, each mapped from the request
    /// (<c>$input.params('progId')</c>, <c>method.request.querystring.NAME</c>, <c>method.request.header.NAME</c>,
    /// <c>method.request.path.NAME</c>, <c>stageVariables.NAME</c>, or a <c>'literal'</c>). Optional; default none.
    /// </summary>
    public IReadOnlyDictionary<string, string> RequestParameters { get; init; } = new Dictionary<string, string>();

    /// <summary><c>broadcast</c> on a REST method: the request parameter whose value is sent. Required there.</summary>
    public string? Message { get; init; }

    /// <summary>
    /// <c>broadcast</c> on a REST method: <c>text</c> (sent as is) or <c>positiveNumber</c> (read as JavaScript's
    /// <c>Number()</c> reads it; sent as JavaScript prints it when positive, else 400). Optional; default <c>text</c>.
    /// </summary>
    public string? MessageFormat { get; init; }

    /// <summary><c>broadcast</c> on a REST method: name of the WebSocket API to send to. Optional when exactly one WebSocket API exists.</summary>
    public string? WebSocketApi { get; init; }

    /// <summary>
    /// <c>broadcast</c> on a REST method: the request parameter naming the WebSocket stage to send to.
    /// Optional; when unset or the parameter is empty, the REST API's own stage is used.
    /// </summary>
    public string? StageParameter { get; init; }
}

/// <summary>A shared secret a message must carry, compared in constant time.</summary>
public sealed record SecretDefinition
{
    /// <summary>JSON path into the message where the client puts the secret. Required; e.g. <c>$request.body.key</c>.</summary>
    public string Path { get; init; } = "";

    /// <summary>Environment variable holding the secret. Required; e.g. <c>SWITCHBOARD_BROADCAST_KEY</c>.</summary>
    public string Env { get; init; } = "";

    /// <summary>Value used when the variable is unset, with a warning at start. Optional; when unset too, the route refuses every message.</summary>
    public string? Fallback { get; init; }
}
