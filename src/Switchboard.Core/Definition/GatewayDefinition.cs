namespace Switchboard.Definition;

/// <summary>
/// The whole gateway: what <c>switchboard.json</c> holds. Modelled on API Gateway's resources
/// (WebSocket APIs with routes and integrations, REST APIs with resources and methods, usage plans).
/// </summary>
public sealed record GatewayDefinition
{
    /// <summary>WebSocket APIs served by this gateway. Optional; default none. Each needs a distinct <c>basePath</c>.</summary>
    public IReadOnlyList<WebSocketApiDefinition> WebSocketApis { get; init; } = [];

    /// <summary>REST APIs served by this gateway. Optional; default none.</summary>
    public IReadOnlyList<RestApiDefinition> RestApis { get; init; } = [];

    /// <summary>Usage plans that API keys are put on: throttles and quotas for REST methods with <c>apiKeyRequired</c>. Optional; default none.</summary>
    public IReadOnlyList<UsagePlanDefinition> UsagePlans { get; init; } = [];

    /// <summary>
    /// Name of the usage plan a key created without <c>--plan</c> is put on. Optional; when unset and
    /// exactly one plan exists, that plan; when no plan exists, keys carry no plan.
    /// </summary>
    public string? DefaultUsagePlan { get; init; }

    /// <summary>Connection and message limits. Optional; every field has a default.</summary>
    public LimitsDefinition Limits { get; init; } = new();
}
