using Switchboard.Registry;

namespace Switchboard.Redis.Backplane;

/// <summary>
/// Which runs (node processes) are alive, by their heartbeats in the registry: a run whose last heartbeat is fresher
/// than <see cref="DeadRunCleanup.DeadAfter"/>. Read at most once a second (a counted send to many, or a call whose
/// holder did not receive it, asks), so a burst of sends costs one read.
/// </summary>
internal sealed class LiveRuns(IConnectionRegistry registry, TimeProvider time)
{
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _reading = new(1, 1);
    private IReadOnlySet<string> _live = new HashSet<string>(StringComparer.Ordinal);
    private long _readAt = long.MinValue;

    /// <summary>The live runs; throws what the registry throws when Redis does not answer.</summary>
    public async Task<IReadOnlySet<string>> ReadAsync(CancellationToken cancellationToken)
    {
        if (IsFresh())
        {
            return _live;
        }

        await _reading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (IsFresh())
            {
                return _live;
            }

            var now = time.GetUtcNow();
            var runs = await registry.ListRunsAsync(cancellationToken).ConfigureAwait(false);
            _live = runs.Where(run => run.HeartbeatAt >= now - DeadRunCleanup.DeadAfter).Select(static run => run.RunId).ToHashSet(StringComparer.Ordinal);
            _readAt = time.GetTimestamp();
            return _live;
        }
        finally
        {
            _reading.Release();
        }
    }

    private bool IsFresh() => _readAt != long.MinValue && time.GetElapsedTime(_readAt) < Fresh;
}
