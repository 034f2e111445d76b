using System.Collections.Concurrent;

namespace Switchboard.Registry;

/// <summary>
/// The connection registry of a single node that keeps nothing across restarts. Lock-free: every operation is one
/// or a few atomic dictionary operations, so it is durable in the only sense it can be (visible once the task ends).
/// </summary>
public sealed class InMemoryConnectionRegistry : IConnectionRegistry
{
    private readonly ConcurrentDictionary<string, ConnectionRecord> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RunRecord> _runs = new(StringComparer.Ordinal);

    public ValueTask AddAsync(ConnectionRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        _connections[record.ConnectionId] = record;
        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        _connections.TryRemove(connectionId, out _);
        return ValueTask.CompletedTask;
    }

    public ValueTask<ConnectionRecord?> GetAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        return ValueTask.FromResult(_connections.TryGetValue(connectionId, out var record) ? record : null);
    }

    public ValueTask<IReadOnlyList<ConnectionRecord>> ListAsync(ConnectionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var matches = new List<ConnectionRecord>();
        foreach (var (_, record) in _connections)
        {
            if (Matches(query.Api, record.Api) && Matches(query.Stage, record.Stage) && Matches(query.NodeId, record.NodeId))
            {
                matches.Add(record);
            }
        }

        // Same order as the SQL back end's "ORDER BY connected_at, id".
        matches.Sort(static (a, b) =>
        {
            var byTime = a.ConnectedAt.CompareTo(b.ConnectedAt);
            return byTime != 0 ? byTime : string.CompareOrdinal(a.ConnectionId, b.ConnectionId);
        });
        return ValueTask.FromResult<IReadOnlyList<ConnectionRecord>>(matches);
    }

    public ValueTask UpdateLastActiveAsync(IReadOnlyList<LastActiveUpdate> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        for (var i = 0; i < updates.Count; i++)
        {
            MoveLastActiveForward(updates[i]);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask HeartbeatAsync(string runId, string nodeId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(nodeId);
        _runs.AddOrUpdate(
            runId,
            static (id, state) => new RunRecord(id, state.NodeId, state.At),
            static (_, known, state) => known with { NodeId = state.NodeId, HeartbeatAt = known.HeartbeatAt > state.At ? known.HeartbeatAt : state.At },
            (NodeId: nodeId, At: at));
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<RunRecord>> ListRunsAsync(CancellationToken cancellationToken = default)
    {
        // Rows before runs: a run heartbeats before it writes rows, so every run seen in a row here is already in
        // _runs when that is read, and a live run is never reported as one without a heartbeat.
        var fromRows = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, record) in _connections)
        {
            fromRows.Add(record.RunId);
        }

        var runs = new List<RunRecord>();
        foreach (var (runId, run) in _runs)
        {
            runs.Add(run);
            fromRows.Remove(runId);
        }

        foreach (var runId in fromRows)
        {
            runs.Add(new RunRecord(runId, null, null));
        }

        return ValueTask.FromResult<IReadOnlyList<RunRecord>>(runs);
    }

    public ValueTask<int> RemoveRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        var removed = 0;
        foreach (var entry in _connections)
        {
            // Removing the exact pair leaves alone a row that was replaced meanwhile by another run.
            if (entry.Value.RunId == runId && _connections.TryRemove(entry))
            {
                removed++;
            }
        }

        _runs.TryRemove(runId, out _);
        return ValueTask.FromResult(removed);
    }

    public ValueTask<bool> PingAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(true);

    private static bool Matches(string? filter, string value) => filter is null || filter == value;

    private void MoveLastActiveForward(LastActiveUpdate update)
    {
        // Compare-and-swap so a concurrent Add or Remove is never undone; an older time never moves it back.
        while (_connections.TryGetValue(update.ConnectionId, out var current) && current.LastActiveAt < update.LastActiveAt)
        {
            if (_connections.TryUpdate(update.ConnectionId, current with { LastActiveAt = update.LastActiveAt }, current))
            {
                return;
            }
        }
    }
}
