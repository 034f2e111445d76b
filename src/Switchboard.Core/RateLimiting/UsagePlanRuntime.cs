using Switchboard.Definition;

namespace Switchboard.RateLimiting;

/// <summary>A usage plan, compiled: its throttle, its quota and its method throttles by resource path and verb.</summary>
internal sealed class UsagePlanRuntime
{
    private readonly Dictionary<(string Resource, string Verb), ThrottleLimit> _methodThrottles;

    private UsagePlanRuntime(string name, ThrottleLimit? throttle, QuotaLimit? quota, Dictionary<(string, string), ThrottleLimit> methodThrottles)
    {
        Name = name;
        Throttle = throttle;
        Quota = quota;
        _methodThrottles = methodThrottles;
    }

    public string Name { get; }

    /// <summary>The key's throttle on every method without one of its own; null when unthrottled.</summary>
    public ThrottleLimit? Throttle { get; }

    public QuotaLimit? Quota { get; }

    /// <summary>The method throttles as the definition names them (<c>/receiver/GET</c>).</summary>
    public IEnumerable<(string Method, ThrottleLimit Limit)> MethodThrottles =>
        _methodThrottles.Select(static m => (MethodThrottleKey.Format(m.Key.Resource, m.Key.Verb), m.Value));

    public static UsagePlanRuntime From(UsagePlanDefinition plan)
    {
        var methods = new Dictionary<(string, string), ThrottleLimit>();
        foreach (var (key, throttle) in plan.MethodThrottles)
        {
            if (MethodThrottleKey.TryParse(key, out var resource, out var verb))
            {
                methods[(resource, verb)] = ThrottleLimit.From(throttle)!;
            }
        }

        return new UsagePlanRuntime(plan.Name, ThrottleLimit.From(plan.Throttle), QuotaLimit.From(plan.Quota), methods);
    }

    /// <summary>The throttle of <paramref name="verb"/> on the resource path <paramref name="resource"/> (as declared, <c>/items/{id}</c>), if the plan sets one.</summary>
    public ThrottleLimit? MethodThrottle(string resource, string verb) =>
        _methodThrottles.Count == 0 ? null : _methodThrottles.GetValueOrDefault((resource, verb));
}
