using Switchboard.Definition;

namespace Switchboard.RateLimiting;

/// <summary>
/// The usage plans and REST stage throttles of one runtime snapshot, compiled once when it is built: requests only
/// look them up. A key names its plan in the store, so a key created or moved while the server runs is held to its
/// plan at its next request.
/// </summary>
internal sealed class UsagePlanSet
{
    private readonly Dictionary<string, UsagePlanRuntime> _plans;
    private readonly Dictionary<(string Api, string Stage), ThrottleLimit> _stageThrottles;

    private UsagePlanSet(Dictionary<string, UsagePlanRuntime> plans, Dictionary<(string, string), ThrottleLimit> stageThrottles)
    {
        _plans = plans;
        _stageThrottles = stageThrottles;
    }

    public static UsagePlanSet From(GatewayDefinition definition)
    {
        var plans = new Dictionary<string, UsagePlanRuntime>(StringComparer.Ordinal);
        foreach (var plan in definition.UsagePlans)
        {
            plans[plan.Name] = UsagePlanRuntime.From(plan);
        }

        var stages = new Dictionary<(string, string), ThrottleLimit>();
        foreach (var api in definition.RestApis)
        {
            foreach (var (name, stage) in api.Stages)
            {
                if (ThrottleLimit.From(stage.Throttle) is { } throttle)
                {
                    stages[(api.Name, name)] = throttle;
                }
            }
        }

        return new UsagePlanSet(plans, stages);
    }

    /// <summary>The plan named <paramref name="name"/>, or null when the definition has none by that name.</summary>
    public UsagePlanRuntime? Find(string name) => _plans.GetValueOrDefault(name);

    /// <summary>The throttle of a REST API's stage, or null when the stage is not throttled.</summary>
    public ThrottleLimit? StageThrottle(string restApi, string stage) =>
        _stageThrottles.Count == 0 ? null : _stageThrottles.GetValueOrDefault((restApi, stage));
}
