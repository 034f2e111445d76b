using Switchboard.Connections;
using Switchboard.Groups;

namespace Switchboard.Registry;

/// <summary>
/// Writes this node's live state back into a store that lost it: a Redis that restarted empty, or came back after an
/// outage in which other nodes took this one for dead and removed its rows. First this run's heartbeat (so no node
/// takes the rows that follow for a dead run's), then the registry row of every open connection that had one and
/// every group membership. Each write is an upsert, so running it against a store that kept everything changes nothing.
/// </summary>
public sealed class LiveConnectionRows(
    ConnectionTable connections,
    IConnectionRegistry registry,
    IGroupStore groups,
    NodeIdentity node,
    TimeProvider time)
{
    public ValueTask HeartbeatAsync(CancellationToken cancellationToken) =>
        registry.HeartbeatAsync(node.RunId, node.NodeId, time.GetUtcNow(), cancellationToken);

    /// <summary>
    /// This node's connections that are open and reachable (in the <see cref="ConnectionTable"/>: not one still inside
    /// <c>$connect</c>, which may yet be refused).
    /// </summary>
    public IReadOnlyList<WebSocketConnection> Held() =>
        [.. connections.Running.Where(connection => connection.IsOpen && ReferenceEquals(connections.Find(connection.Id), connection))];

    /// <summary>Rewrites the rows of <paramref name="held"/>; returns how many connections were written back.</summary>
    public async Task<int> RestoreAsync(IReadOnlyList<WebSocketConnection> held, CancellationToken cancellationToken)
    {
        var restored = 0;
        foreach (var connection in held)
        {
            if (connection.IsRegistered)
            {
                await registry.AddAsync(RecordOf(connection, node), cancellationToken).ConfigureAwait(false);
            }

            if (connection.HasJoinedGroups)
            {
                foreach (var group in connection.GroupsSnapshot())
                {
                    await groups.AddAsync(new GroupMember(connection.Api, connection.Stage, group, connection.Id, node.NodeId, node.RunId), cancellationToken).ConfigureAwait(false);
                }
            }

            if (!connection.IsOpen)
            {
                // It closed while its rows were written back, maybe after its own clean-up removed them: remove them
                // again, so no row outlives it.
                await registry.RemoveAsync(connection.Id, cancellationToken).ConfigureAwait(false);
                await groups.RemoveConnectionAsync(connection.Id, cancellationToken).ConfigureAwait(false);
                continue;
            }

            restored++;
        }

        return restored;
    }

    /// <summary>The registry row of a connection of this node, as <c>registry.save</c> writes it.</summary>
    public static ConnectionRecord RecordOf(WebSocketConnection connection, NodeIdentity node) => new(
        connection.Id,
        connection.Api,
        connection.Stage,
        connection.ConnectedAt,
        connection.LastActiveAt,
        connection.SourceIp,
        connection.UserAgent,
        node.NodeId,
        node.RunId,
        connection.Identity?.PrincipalId);
}
