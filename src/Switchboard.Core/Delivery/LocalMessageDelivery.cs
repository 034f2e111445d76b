using System.Collections.Concurrent;
using Switchboard.Connections;
using Switchboard.Groups;
using Switchboard.Operations;

namespace Switchboard.Delivery;

/// <summary>
/// Delivery to this node's own sockets, straight from the <see cref="ConnectionTable"/>: the whole of delivery on one
/// node, and the part of every node's work in a cluster that touches sockets (the Redis backplane calls it for the
/// connections it holds). Every answer is final: there is no other node to wait for.
/// </summary>
public sealed class LocalMessageDelivery(ConnectionTable connections, LocalGroups groups, GatewayMetrics metrics) : IMessageDelivery
{
    public ValueTask OnConnectedAsync(WebSocketConnection connection, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask OnDisconnectedAsync(WebSocketConnection connection, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>The open connection of this node with that id, API and stage, or null.</summary>
    public WebSocketConnection? Find(string api, string stage, string connectionId)
    {
        var connection = connections.Find(connectionId);
        return connection is not null && connection.IsOpen && connection.Api == api && connection.Stage == stage ? connection : null;
    }

    public ValueTask<DeliveryStatus> SendToConnectionAsync(string api, string stage, string connectionId, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Send(api, stage, connectionId, frame));

    public DeliveryStatus Send(string api, string stage, string connectionId, ReadOnlyMemory<byte> frame)
    {
        if (Find(api, stage, connectionId) is not { } connection)
        {
            return DeliveryStatus.Gone;
        }

        return connection.Enqueue(frame) switch
        {
            EnqueueResult.Queued => DeliveryStatus.Done,
            EnqueueResult.Overflow => DeliveryStatus.QueueFull,
            _ => DeliveryStatus.Gone,
        };
    }

    public ValueTask<FanOutResult> SendToAllAsync(string api, string stage, ReadOnlyMemory<byte> frame, string? exceptConnectionId, FanOutMode mode, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new FanOutResult(HandOutToStage(api, stage, frame, exceptConnectionId), Complete: true));

    public ValueTask<FanOutResult> SendToGroupAsync(string api, string stage, string group, ReadOnlyMemory<byte> frame, string? exceptConnectionId, FanOutMode mode, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new FanOutResult(HandOutToGroup(api, stage, group, frame, exceptConnectionId), Complete: true));

    /// <summary>Hands <paramref name="frame"/> to this node's connections of the stage; returns how many took it.</summary>
    public int HandOutToStage(string api, string stage, ReadOnlyMemory<byte> frame, string? exceptConnectionId)
    {
        metrics.Broadcast();
        return HandOut(connections.StageMap(api, stage), frame, exceptConnectionId);
    }

    /// <summary>Hands <paramref name="frame"/> to this node's members of the group; returns how many took it.</summary>
    public int HandOutToGroup(string api, string stage, string group, ReadOnlyMemory<byte> frame, string? exceptConnectionId)
    {
        metrics.Broadcast();
        return HandOut(connections.GroupMap(api, stage, group), frame, exceptConnectionId);
    }

    public async ValueTask<DeliveryStatus> AddToGroupAsync(string api, string stage, string group, string connectionId, CancellationToken cancellationToken = default) =>
        Find(api, stage, connectionId) is { } connection && await groups.JoinAsync(connection, group, cancellationToken).ConfigureAwait(false)
            ? DeliveryStatus.Done
            : DeliveryStatus.Gone;

    public async ValueTask<DeliveryStatus> RemoveFromGroupAsync(string api, string stage, string group, string connectionId, CancellationToken cancellationToken = default)
    {
        await groups.LeaveAsync(api, stage, group, connectionId, cancellationToken).ConfigureAwait(false);
        return DeliveryStatus.Done;
    }

    /// <summary>
    /// One shared frame, one enqueue per recipient, no await: a recipient with a full queue is closed by TryEnqueue
    /// and skipped, and nobody waits for it.
    /// </summary>
    private static int HandOut(ConcurrentDictionary<string, WebSocketConnection>? map, ReadOnlyMemory<byte> frame, string? exceptConnectionId)
    {
        if (map is null)
        {
            return 0;
        }

        // The connection left out is looked up once and skipped by reference: comparing its id with every
        // recipient's was 3 % of a max-rate fan-out's CPU (docs/performance.md, "Profile").
        var except = exceptConnectionId is not null && map.TryGetValue(exceptConnectionId, out var sender) ? sender : null;
        var handed = 0;
        foreach (var pair in map)
        {
            if (!ReferenceEquals(pair.Value, except) && pair.Value.TryEnqueue(frame))
            {
                handed++;
            }
        }

        return handed;
    }

    public ValueTask<DeliveryStatus> CloseAsync(string api, string stage, string connectionId, ushort closeCode, string reason, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Find(api, stage, connectionId) is { } connection && connection.BeginClose(closeCode, reason) ? DeliveryStatus.Done : DeliveryStatus.Gone);

    public ValueTask<ConnectionLookup> GetConnectionAsync(string api, string stage, string connectionId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Find(api, stage, connectionId) is { } connection
            ? new ConnectionLookup(DeliveryStatus.Done, ConnectionSnapshot.Of(connection))
            : new ConnectionLookup(DeliveryStatus.Gone, null));

    public ValueTask<IReadOnlyList<ConnectionSnapshot>> ClaimOrphansAsync(string runId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<ConnectionSnapshot>>([]);

    public ValueTask<bool> IsRunReachableAsync(string runId, CancellationToken cancellationToken = default) => ValueTask.FromResult(false);
}
