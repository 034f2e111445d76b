namespace Switchboard.RateLimiting;

/// <summary>
/// Quota counters for one process (<c>--store memory</c>): a restart forgets them. One lock around a dictionary keeps
/// every take exact; expired counters are removed at most once an hour, by the take that finds the hour passed.
/// </summary>
public sealed class InMemoryUsageCounter(TimeProvider time) : IUsageCounter
{
    private static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (long Used, DateTimeOffset ExpiresAt)> _counters = new(StringComparer.Ordinal);
    private DateTimeOffset _nextPrune = DateTimeOffset.MinValue;

    public ValueTask<UsageTake> TryTakeAsync(string counter, int limit, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counter);
        lock (_gate)
        {
            PruneIfDue();
            var found = _counters.TryGetValue(counter, out var entry);
            if (entry.Used >= limit)
            {
                return ValueTask.FromResult(new UsageTake(false, entry.Used));
            }

            _counters[counter] = (entry.Used + 1, found ? entry.ExpiresAt : expiresAt);
            return ValueTask.FromResult(new UsageTake(true, entry.Used + 1));
        }
    }

    public ValueTask<long> GetAsync(string counter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counter);
        lock (_gate)
        {
            PruneIfDue();
            return ValueTask.FromResult(_counters.TryGetValue(counter, out var entry) ? entry.Used : 0);
        }
    }

    private void PruneIfDue()
    {
        var now = time.GetUtcNow();
        if (now < _nextPrune)
        {
            return;
        }

        _nextPrune = now + PruneInterval;
        foreach (var (name, entry) in _counters)
        {
            if (entry.ExpiresAt <= now)
            {
                _counters.Remove(name);
            }
        }
    }
}
