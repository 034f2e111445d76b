using StackExchange.Redis;
using Switchboard.Registry;

namespace Switchboard.Redis;

/// <summary>
/// Runs and heartbeats. A heartbeat writes the run's node into the runs hash (<c>runs</c>) and the beat's time into a
/// key that expires (<c>beat:RUN</c>, <see cref="HeartbeatTtl"/>). Nodes' clocks may disagree, and a node that took
/// another's timestamp for its age would remove a live node's rows (a node 40 s behind looks 40 s dead). So a run's
/// heartbeat time is read from the time the key has left, measured by Redis, against the reader's own clock.
/// </summary>
public sealed partial class RedisConnectionRegistry
{
    /// <summary>
    /// How long a heartbeat key lives: well past the 15 s after which the dead-run clean-up takes a silent run for dead
    /// (<c>DeadRunCleanup.DeadAfter</c>, three missed 5 s heartbeats), so a run's age is still known when the clean-up
    /// judges it. A run whose key has expired is listed with no heartbeat (dead) until it is removed.
    /// </summary>
    public static readonly TimeSpan HeartbeatTtl = TimeSpan.FromSeconds(60);

    /// <summary>
    /// When the beat's own timestamp is within this of the time read from the key's age, the clocks agree and the
    /// timestamp is reported, exact to the millisecond as the other stores report it; beyond it the sender's clock is
    /// off and the age is reported instead. One second is far below the 15 s a run must be silent to be dead.
    /// </summary>
    private static readonly TimeSpan ClocksAgree = TimeSpan.FromSeconds(1);

    public async ValueTask HeartbeatAsync(string runId, string nodeId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(nodeId);
        cancellationToken.ThrowIfCancellationRequested();

        // The key lives for what is left of the beat's life as of now on this node's clock (all of it for a beat sent
        // now), so its remaining time says how old the beat is on any reader's clock.
        var age = _time.GetUtcNow() - at;
        var timeToLive = (long)Math.Floor((HeartbeatTtl - age).TotalMilliseconds);
        await _database.ScriptEvaluateAsync(
            RegistryScripts.Heartbeat,
            [_runs, BeatKey(runId)],
            [runId, nodeId, at.ToUnixTimeMilliseconds(), timeToLive]).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<RunRecord>> ListRunsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // One script, so one snapshot: a run that heartbeats and then writes rows is never seen with rows but no run.
        var result = await _database.ScriptEvaluateAsync(RegistryScripts.ListRuns, [_runs, _runsWithRows], [_redis.KeyPrefix]).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var parts = (RedisResult[])result!;
        var runs = new List<RunRecord>();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in (RedisResult[])parts[0]!)
        {
            var fields = (RedisResult[])entry!;
            var runId = (string)fields[0]!;
            listed.Add(runId);
            runs.Add(new RunRecord(runId, (string?)fields[1], HeartbeatAt(now, (string?)fields[2], (long)fields[3])));
        }

        foreach (var runId in (string[])parts[1]!)
        {
            if (listed.Add(runId))
            {
                runs.Add(new RunRecord(runId, null, null));
            }
        }

        return runs;
    }

    public async ValueTask<int> RemoveRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        cancellationToken.ThrowIfCancellationRequested();
        var removed = await _database.ScriptEvaluateAsync(
            RegistryScripts.RemoveRun,
            [RunRowsKey(runId), _connections, _runsWithRows, _runs, BeatKey(runId)],
            [_redis.KeyPrefix, runId]).ConfigureAwait(false);
        return (int)removed;
    }

    /// <summary>
    /// The beat's time on this node's clock: now less the beat's age (<see cref="HeartbeatTtl"/> less the time its key
    /// has left); null when the key has expired.
    /// </summary>
    private static DateTimeOffset? HeartbeatAt(DateTimeOffset now, string? stamp, long remainingMilliseconds)
    {
        if (remainingMilliseconds <= 0 || !long.TryParse(stamp, out var stampMilliseconds))
        {
            return null;
        }

        var fromAge = now - (HeartbeatTtl - TimeSpan.FromMilliseconds(remainingMilliseconds));
        var stamped = DateTimeOffset.FromUnixTimeMilliseconds(stampMilliseconds);
        return (fromAge - stamped).Duration() <= ClocksAgree
            ? stamped
            : DateTimeOffset.FromUnixTimeMilliseconds(fromAge.ToUnixTimeMilliseconds());
    }

    private RedisKey BeatKey(string runId) => _redis.Key("beat:" + runId);
}
