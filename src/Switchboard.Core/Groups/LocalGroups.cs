using Switchboard.Connections;

namespace Switchboard.Groups;

/// <summary>
/// Joins and leaves of this node's own connections: the <see cref="ConnectionTable"/>'s group index makes a member
/// reachable by group sends, the store keeps the membership for listings and for the clean-up of a dead run. Reached
/// through <see cref="Delivery.IMessageDelivery"/> (on the node that holds the connection), never directly by the APIs.
/// </summary>
public sealed class LocalGroups(ConnectionTable connections, IGroupStore store, NodeIdentity node)
{
    // Each change is two steps (the index, then the store); one connection's changes, and the clean-up after it
    // closes, run one at a time so the two never disagree: a leave cannot land between a join's steps, and the
    // clean-up of a closing connection waits for a join still writing its row. Striped by connection id, so
    // unrelated connections rarely wait for each other.
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, 64).Select(static _ => new SemaphoreSlim(1, 1))];

    /// <summary>Adds an open connection of this node to a group; false when it is no longer open.</summary>
    public async ValueTask<bool> JoinAsync(WebSocketConnection connection, string group, CancellationToken cancellationToken = default)
    {
        var stripe = Stripe(connection.Id);
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!connections.Join(connection, group))
            {
                return false;
            }

            try
            {
                await store.AddAsync(new GroupMember(connection.Api, connection.Stage, group, connection.Id, node.NodeId, node.RunId), cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch
            {
                // Not recorded: not a member either, so listings and sends agree.
                connections.Leave(connection, group);
                throw;
            }
        }
        finally
        {
            stripe.Release();
        }
    }

    /// <summary>Takes a connection out of a group: from the index when this node holds it, and from the store.</summary>
    public async ValueTask LeaveAsync(string api, string stage, string group, string connectionId, CancellationToken cancellationToken = default)
    {
        var stripe = Stripe(connectionId);
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (connections.Find(connectionId) is { } connection && connection.Api == api && connection.Stage == stage)
            {
                connections.Leave(connection, group);
            }

            await store.RemoveAsync(api, stage, group, connectionId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            stripe.Release();
        }
    }

    /// <summary>
    /// Forgets a closed connection's memberships (it left its groups on this node when it began closing). Runs after
    /// any join of that connection still writing its row, so no row outlives the connection.
    /// </summary>
    public async ValueTask ForgetAsync(WebSocketConnection connection, CancellationToken cancellationToken = default)
    {
        if (!connection.HasJoinedGroups)
        {
            return;
        }

        var stripe = Stripe(connection.Id);
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await store.RemoveConnectionAsync(connection.Id, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            stripe.Release();
        }
    }

    private SemaphoreSlim Stripe(string connectionId) =>
        _stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(connectionId) % (uint)_stripes.Length)];
}
