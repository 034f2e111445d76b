namespace Switchboard.Registry;

/// <summary>
/// The durable table of connections (the seed's DynamoDB <c>clientConnectionInfo</c>). Delivery never reads it on the
/// message path: a node knows its own sockets. The registry answers the management API, <c>connections list</c> and,
/// in a cluster, which node holds a connection.
/// Implementations are thread-safe. Writes may be batched (group commit) but a completed task means the write is durable.
/// </summary>
public interface IConnectionRegistry
{
    /// <summary>Adds or replaces the row of <paramref name="record"/>'s connection id.</summary>
    ValueTask AddAsync(ConnectionRecord record, CancellationToken cancellationToken = default);

    /// <summary>Removes the row; removing an absent row is not an error.</summary>
    ValueTask RemoveAsync(string connectionId, CancellationToken cancellationToken = default);

    /// <summary>The row, or null when there is none.</summary>
    ValueTask<ConnectionRecord?> GetAsync(string connectionId, CancellationToken cancellationToken = default);

    /// <summary>Rows matching <paramref name="query"/>, oldest connection first.</summary>
    ValueTask<IReadOnlyList<ConnectionRecord>> ListAsync(ConnectionQuery query, CancellationToken cancellationToken = default);

    /// <summary>Moves <c>lastActiveAt</c> forward for existing rows; ids without a row are ignored.</summary>
    ValueTask UpdateLastActiveAsync(IReadOnlyList<LastActiveUpdate> updates, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that run <paramref name="runId"/> of <paramref name="nodeId"/> is alive at <paramref name="at"/>: adds the
    /// run the first time, moves its heartbeat forward (never back) after. A run sends its first heartbeat before it
    /// writes any row, so a live run is never known only from its rows.
    /// </summary>
    ValueTask HeartbeatAsync(string runId, string nodeId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every run the registry knows: each run that sent a heartbeat, and each run that has connection rows but never
    /// sent one (with a null node and heartbeat). Each run once, in no particular order.
    /// </summary>
    ValueTask<IReadOnlyList<RunRecord>> ListRunsAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes the connection rows of run <paramref name="runId"/> and the run itself; returns how many rows.</summary>
    ValueTask<int> RemoveRunAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Whether the store answers and accepts writes (for <c>/readyz</c>). Never throws.</summary>
    ValueTask<bool> PingAsync(CancellationToken cancellationToken = default);
}
