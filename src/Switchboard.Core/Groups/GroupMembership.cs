using Switchboard.Delivery;

namespace Switchboard.Groups;

/// <summary>
/// Joins, leaves and listings as users see them, wherever the connection is: a join or leave goes through the
/// delivery seam to the node that holds the connection (<see cref="LocalGroups"/> there), a listing reads the group
/// store. Used by the <c>@groups</c> API and the <c>group.join</c>/<c>group.leave</c> integrations alike.
/// </summary>
public sealed class GroupMembership(IMessageDelivery delivery, IGroupStore store)
{
    /// <summary>Adds an open connection to a group; <see cref="DeliveryStatus.Gone"/> when the connection is gone.</summary>
    public ValueTask<DeliveryStatus> JoinAsync(string api, string stage, string group, string connectionId, CancellationToken cancellationToken = default) =>
        delivery.AddToGroupAsync(api, stage, group, connectionId, cancellationToken);

    public ValueTask<DeliveryStatus> LeaveAsync(string api, string stage, string group, string connectionId, CancellationToken cancellationToken = default) =>
        delivery.RemoveFromGroupAsync(api, stage, group, connectionId, cancellationToken);

    public ValueTask<IReadOnlyList<string>> ListAsync(string api, string stage, string group, CancellationToken cancellationToken = default) =>
        store.ListAsync(api, stage, group, cancellationToken);
}
