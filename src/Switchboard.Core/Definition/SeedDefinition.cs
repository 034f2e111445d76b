using System.Text.Json;

namespace Switchboard.Definition;

/// <summary>
/// The built-in setup (the README), which <c>serve</c> runs without <c>--config</c> and <c>switchboard init</c>
/// writes out: the seed document's WebSocket API, its REST receiver and its usage plan.
/// </summary>
public static class SeedDefinition
{
    public const string WebSocketApiName = "OutsystemsWebSocket";
    public const string RestApiName = "OutsystemsClientReceiver";
    public const string UsagePlanName = "OutsystemsUsagePlan";
    public const string BroadcastKeyVariable = "SWITCHBOARD_BROADCAST_KEY";

    /// <summary>The built-in definition; a new instance each call.</summary>
    public static GatewayDefinition Create() => new()
    {
        WebSocketApis =
        [
            new WebSocketApiDefinition
            {
                Name = WebSocketApiName,
                BasePath = "",
                RouteSelectionExpression = "$request.body.action",
                Stages = Stages(),
                Routes = new Dictionary<string, RouteDefinition>
                {
                    [DefinitionValues.ConnectRoute] = new() { Integration = new() { Type = "registry.save" } },
                    [DefinitionValues.DisconnectRoute] = new() { Integration = new() { Type = "registry.delete" } },
                    ["onMessage"] = new()
                    {
                        Integration = new()
                        {
                            Type = "broadcast",
                            Payload = "$request.body.message",
                            Recipients = DefinitionValues.RecipientsOthers,
                            Secret = new()
                            {
                                Path = "$request.body.key",
                                Env = BroadcastKeyVariable,

                                // The seed's Lambda compares against this demo value.
                                Fallback = "1234",
                            },
                        },
                    },
                },
            },
        ],
        RestApis =
        [
            new RestApiDefinition
            {
                Name = RestApiName,
                BasePath = "",
                Stages = Stages(),
                Resources = new Dictionary<string, RestResourceDefinition>
                {
                    ["/receiver"] = new()
                    {
                        Methods = new Dictionary<string, RestMethodDefinition>
                        {
                            ["GET"] = new()
                            {
                                ApiKeyRequired = true,
                                Integration = new()
                                {
                                    Type = "broadcast",

                                    // The seed's mapping template: {"programId": "$input.params('progId')", ...}.
                                    RequestParameters = new Dictionary<string, string>
                                    {
                                        ["programId"] = "$input.params('progId')",
                                        ["domain"] = "$input.params('domain')",
                                        ["stage"] = "$input.params('stage')",
                                    },
                                    Message = "programId",
                                    MessageFormat = DefinitionValues.MessageFormatPositiveNumber,
                                    WebSocketApi = WebSocketApiName,
                                    StageParameter = "stage",
                                },
                            },
                        },
                    },
                },
            },
        ],
        UsagePlans =
        [
            new UsagePlanDefinition
            {
                Name = UsagePlanName,
                Throttle = new ThrottleDefinition { RateLimit = 100, BurstLimit = 200 },
                Quota = new QuotaDefinition { Limit = 100_000, Offset = 0, Period = "DAY" },
            },
        ],
        DefaultUsagePlan = UsagePlanName,
        Limits = new LimitsDefinition(),
    };

    /// <summary>
    /// <paramref name="definition"/> as the indented JSON file <c>switchboard init</c> writes, with every field that
    /// has a value spelled out, defaults included, so users see what they can edit. Ends with a newline.
    /// </summary>
    public static string ToJson(GatewayDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return JsonSerializer.Serialize(definition, DefinitionJson.TypeInfo) + "\n";
    }

    private static Dictionary<string, StageDefinition> Stages() => new()
    {
        ["dev"] = new StageDefinition(),
        ["test"] = new StageDefinition(),
    };
}
