using System.Globalization;
using Switchboard.Definition;

namespace Switchboard.RateLimiting;

/// <summary>
/// A throttle of the definition, compiled: one instance for each place a throttle is declared in a snapshot (a plan, a
/// plan's method, a stage). Buckets are keyed by the instance (reference equality), so two places with the same
/// numbers never share a bucket, and a new snapshot starts with new, full buckets.
/// </summary>
internal sealed class ThrottleLimit(double rateLimit, int burstLimit)
{
    /// <summary>Requests a second the bucket refills by.</summary>
    public double RateLimit { get; } = rateLimit;

    /// <summary>The bucket's capacity: requests that may come at once.</summary>
    public int BurstLimit { get; } = burstLimit;

    public static ThrottleLimit? From(ThrottleDefinition? definition) =>
        definition is null ? null : new ThrottleLimit(definition.RateLimit, definition.BurstLimit);

    public override string ToString() => $"{RateLimit.ToString(CultureInfo.InvariantCulture)} requests/s, burst {BurstLimit}";
}
