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
    // Each change is two steps (the delivery index, then the store); one connection's changes, and the clean-up after
    // it closes, run one at a time so the two never disagree: a leave cannot land between a join's steps, and the
    // clean-up of a closing connection waits for a join still writing its row. Striped by connection id, so
    // unrelated connections rarely wait for each other.
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, 64).Select(static _ => new SemaphoreSlim(1, 1))];

    /// <summary>Adds an open connection to a group; false when the connection is gone.</summary>
    public async ValueTask<bool> JoinAsync(string api, string stage, string group, string connectionId, CancellationToken cancellationToken = default)
    {
        var stripe = Stripe(connectionId);
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
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
        finally
        {
            stripe.Release();
        }
    }

    public async ValueTask LeaveAsync(string api, string stage, string group, string connectionId, CancellationToken cancellationToken = default)
    {
        var stripe = Stripe(connectionId);
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await delivery.RemoveFromGroupAsync(api, stage, group, connectionId, cancellationToken).ConfigureAwait(false);
            await store.RemoveAsync(api, stage, group, connectionId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            stripe.Release();
        }
    }

    public ValueTask<IReadOnlyList<string>> ListAsync(string api, string stage, string group, CancellationToken cancellationToken = default) =>
        store.ListAsync(api, stage, group, cancellationToken);

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
