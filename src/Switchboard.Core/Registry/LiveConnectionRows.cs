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

    /// <summary>Rewrites the rows; returns how many connections were written back.</summary>
    public async Task<int> RestoreAsync(CancellationToken cancellationToken)
    {
        var restored = 0;
        foreach (var connection in connections.Running)
        {
            if (!connection.IsOpen)
            {
                continue;
            }

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
