using System.Globalization;
using Switchboard.Auth;
using Switchboard.Definition;

namespace Switchboard.RateLimiting;

/// <summary>One period of one key's quota: the counter that holds its use, when it ends, and how many requests it allows.</summary>
/// <param name="Counter">The counter's name in the <see cref="IUsageCounter"/>.</param>
/// <param name="Start">The period's first instant (UTC).</param>
/// <param name="End">The next period's first instant; the counter may be forgotten after it.</param>
/// <param name="Allowed">Requests allowed in the period: the limit, less the offset in the period the key was created in.</param>
internal readonly record struct QuotaWindow(string Counter, DateTimeOffset Start, DateTimeOffset End, int Allowed);

/// <summary>A plan's quota, compiled.</summary>
internal sealed class QuotaLimit(int limit, int offset, QuotaPeriod period)
{
    public int Limit { get; } = limit;

    public int Offset { get; } = offset;

    public QuotaPeriod Period { get; } = period;

    public static QuotaLimit? From(QuotaDefinition? definition) =>
        definition is null ? null : new QuotaLimit(definition.Limit, definition.Offset, QuotaPeriods.Parse(definition.Period));

    /// <summary>
    /// The period holding <paramref name="now"/> for <paramref name="key"/>. The offset applies in the period the key was
    /// created in (API Gateway's "initial time period", which a plan's first period may start partway through).
    /// </summary>
    public QuotaWindow WindowFor(ApiKeyRecord key, DateTimeOffset now)
    {
        var (start, end) = QuotaPeriods.Bounds(Period, now);
        var allowed = key.CreatedAt >= start && key.CreatedAt < end ? Limit - Offset : Limit;

        // Per key, not per plan: a key moved to another plan of the same period keeps what it used. The creation time
        // tells apart a key revoked and made again under the same name; the name goes last, so any text in it is safe.
        var counter = string.Create(
            CultureInfo.InvariantCulture,
            $"{QuotaPeriods.Name(Period)}/{start:yyyy-MM-dd}/{key.CreatedAt.ToUnixTimeMilliseconds()}/{key.Name}");
        return new QuotaWindow(counter, start, end, allowed);
    }

    public override string ToString() => Offset == 0
        ? $"{Limit} per {QuotaPeriods.Name(Period)}"
        : $"{Limit} per {QuotaPeriods.Name(Period)}, {Offset} fewer in the period the key was created in";
}
