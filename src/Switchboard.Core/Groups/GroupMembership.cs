using Switchboard.Connections;
using Switchboard.Delivery;

namespace Switchboard.Groups;

/// <summary>
/// Joins and leaves as users see them: the delivery seam makes a member reachable by group sends, the store keeps the
/// membership for listings and for the cleanup of a crashed run. Used by the <c>@groups</c> API and the
/// <c>group.join</c>/<c>group.leave</c> integrations alike.
/// </summary>
public sealed class GroupMembership(IMessageDelivery delivery, IGroupStore store, NodeIdentity node)
{
    /// <summary>Adds an open connection to a group; false when the connection is gone.</summary>
    public async ValueTask<bool> JoinAsync(string api, string stage, string group, string connectionId, CancellationToken cancellationToken = default)
    {
        if (!await delivery.AddToGroupAsync(api, stage, group, connectionId, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        try
        {
            await store.AddAsync(new GroupMember(api, stage, group, connectionId, node.NodeId, node.RunId), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch
        {
            // Not recorded: not a member either, so listings and sends agree.
            await delivery.RemoveFromGroupAsync(api, stage, group, connectionId, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask LeaveAsync(string api, string stage, string group, string connectionId, CancellationToken cancellationToken = default)
    {
        await delivery.RemoveFromGroupAsync(api, stage, group, connectionId, cancellationToken).ConfigureAwait(false);
        await store.RemoveAsync(api, stage, group, connectionId, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<IReadOnlyList<string>> ListAsync(string api, string stage, string group, CancellationToken cancellationToken = default) =>
        store.ListAsync(api, stage, group, cancellationToken);

    /// <summary>Forgets a closed connection's memberships (it left its groups on this node when it closed).</summary>
    public ValueTask ForgetAsync(WebSocketConnection connection, CancellationToken cancellationToken = default) =>
        connection.HasJoinedGroups ? store.RemoveConnectionAsync(connection.Id, cancellationToken) : ValueTask.CompletedTask;
}
