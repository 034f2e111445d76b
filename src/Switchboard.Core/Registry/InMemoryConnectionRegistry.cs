using System.Collections.Concurrent;

namespace Switchboard.Registry;

/// <summary>
/// The connection registry of a single node that keeps nothing across restarts. Lock-free: every operation is one
/// or a few atomic dictionary operations, so it is durable in the only sense it can be (visible once the task ends).
/// </summary>
public sealed class InMemoryConnectionRegistry : IConnectionRegistry
{
    private readonly ConcurrentDictionary<string, ConnectionRecord> _connections = new(StringComparer.Ordinal);

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

    public ValueTask<int> RemoveStaleAsync(string nodeId, string currentRunId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nodeId);
        ArgumentNullException.ThrowIfNull(currentRunId);
        var removed = 0;
        foreach (var entry in _connections)
        {
            // Removing the exact pair leaves alone a row that was replaced meanwhile by the live run.
            if (entry.Value.NodeId == nodeId && entry.Value.RunId != currentRunId && _connections.TryRemove(entry))
            {
                removed++;
            }
        }

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
