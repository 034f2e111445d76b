namespace Switchboard.RateLimiting;

/// <summary>What <see cref="IUsageCounter.TryTakeAsync"/> did.</summary>
/// <param name="Taken">Whether the request was counted (it is within the limit).</param>
/// <param name="Used">What the counter holds after the call.</param>
public readonly record struct UsageTake(bool Taken, long Used);

/// <summary>
/// Usage-plan quota counters: named counts that the quota check takes from and <c>keys usage</c> reads. A count is kept
/// in the store, so a restart does not reset it, and is taken atomically, so processes sharing the store never let
/// more through than the limit between them. Each store has an implementation (memory, SQLite; Redis later), all held
/// to the same contract tests.
/// </summary>
public interface IUsageCounter
{
    /// <summary>
    /// Adds one to <paramref name="counter"/> unless it already holds <paramref name="limit"/> or more (a limit below 1
    /// allows nothing), in one atomic step. A counter made by this call may be forgotten once
    /// <paramref name="expiresAt"/> has passed.
    /// </summary>
    ValueTask<UsageTake> TryTakeAsync(string counter, int limit, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>What <paramref name="counter"/> holds: 0 when nothing was taken from it, or it has been forgotten.</summary>
    ValueTask<long> GetAsync(string counter, CancellationToken cancellationToken = default);
}
