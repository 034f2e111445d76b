using Switchboard.Auth;

namespace Switchboard.RateLimiting;

/// <summary>What <c>switchboard keys usage</c> shows of a key: its plan as the definition has it, and its quota's current period.</summary>
/// <param name="Key">The key.</param>
/// <param name="Plan">The key's plan; null when it has none or the definition lacks it (see <see cref="UnknownPlan"/>).</param>
/// <param name="Window">The current period of the plan's quota; null without a quota.</param>
/// <param name="Used">Requests counted in <paramref name="Window"/>.</param>
internal sealed record KeyUsageReport(ApiKeyRecord Key, UsagePlanRuntime? Plan, QuotaWindow? Window, long Used)
{
    /// <summary>Whether the key names a plan the definition does not have (its requests get 403).</summary>
    public bool UnknownPlan => Key.Plan is not null && Plan is null;

    /// <summary>Requests left in <see cref="Window"/>; null without a quota.</summary>
    public long? Remaining => Window is { } window ? Math.Max(0, window.Allowed - Used) : null;

    public static async ValueTask<KeyUsageReport> ReadAsync(
        ApiKeyRecord key, UsagePlanSet plans, IUsageCounter usage, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var plan = key.Plan is null ? null : plans.Find(key.Plan);
        if (plan?.Quota is not { } quota)
        {
            return new KeyUsageReport(key, plan, null, 0);
        }

        var window = quota.WindowFor(key, now);
        return new KeyUsageReport(key, plan, window, await usage.GetAsync(window.Counter, cancellationToken).ConfigureAwait(false));
    }
}
