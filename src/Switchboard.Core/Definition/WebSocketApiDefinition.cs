namespace Switchboard.Definition;

/// <summary>A WebSocket API: clients connect to <c>ws://HOST:PORT/{basePath}/{stage}</c>.</summary>
public sealed record WebSocketApiDefinition
{
    /// <summary>Name of the API. Required; unique among WebSocket APIs; referenced by REST broadcast integrations.</summary>
    public string Name { get; init; } = "";

    /// <summary>
    /// URL path prefix before the stage, without leading or trailing slash (<c>chat</c> serves <c>/chat/{stage}</c>).
    /// Optional; default empty, which serves <c>/{stage}</c>. Letters, digits, <c>-</c>, <c>_</c>, <c>.</c> and inner <c>/</c>.
    /// </summary>
    public string BasePath { get; init; } = "";

    /// <summary>
    /// How a message picks its route, as in API Gateway: <c>$request.body.PATH</c>, <c>${request.body.PATH}</c>
    /// templates with static text, or a static value. Optional; default <c>$request.body.action</c>.
    /// </summary>
    public string RouteSelectionExpression { get; init; } = "$request.body.action";

    /// <summary>Stages by name (<c>dev</c>, <c>test</c>). Required: at least one. Names are path segments: letters, digits, <c>-</c>, <c>_</c>.</summary>
    public IReadOnlyDictionary<string, StageDefinition> Stages { get; init; } = new Dictionary<string, StageDefinition>();

    /// <summary>
    /// Routes by route key. <c>$connect</c>, <c>$disconnect</c> and <c>$default</c> are the predefined keys; other keys
    /// must not start with <c>$</c> and are matched exactly (case-sensitive). Optional; an API with no routes answers every
    /// message with a Forbidden frame.
    /// </summary>
    public IReadOnlyDictionary<string, RouteDefinition> Routes { get; init; } = new Dictionary<string, RouteDefinition>();

    /// <summary>Who may connect: checked on every handshake before <c>$connect</c>. Optional; default none (anyone may connect).</summary>
    public AuthorizerDefinition? Authorizer { get; init; }
}

/// <summary>A deployment stage of an API.</summary>
public sealed partial record StageDefinition
{
    /// <summary>Stage variables, name to value. Optional; default none. Names match <c>[A-Za-z0-9_]+</c>.</summary>
    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();
}

/// <summary>A route of a WebSocket API.</summary>
public sealed record RouteDefinition
{
    /// <summary>What the route does. Optional for <c>$connect</c> and <c>$disconnect</c>; required for every other route.</summary>
    public IntegrationDefinition? Integration { get; init; }

    /// <summary>
    /// <c>$default</c> makes the route two-way: the <c>body</c> of the integration's result (when not empty) goes back
    /// to the sender. Optional; default none (one-way, as in API Gateway). Not allowed on <c>$disconnect</c>.
    /// </summary>
    public string? RouteResponseSelectionExpression { get; init; }
}
