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
    /// Removes the rows an earlier run of <paramref name="nodeId"/> left behind (rows of that node whose run id is not
    /// <paramref name="currentRunId"/>); returns how many.
    /// </summary>
    ValueTask<int> RemoveStaleAsync(string nodeId, string currentRunId, CancellationToken cancellationToken = default);

    /// <summary>Whether the store answers and accepts writes (for <c>/readyz</c>). Never throws.</summary>
    ValueTask<bool> PingAsync(CancellationToken cancellationToken = default);
}
