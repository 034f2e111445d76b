using Switchboard.Connections;

namespace Switchboard.Delivery;

/// <summary>
/// The seam between what decides to send (integrations, the management and REST APIs) and the sockets, shaped after
/// SignalR's <c>HubLifetimeManager</c>: connections are announced and withdrawn, and sends address a connection, a
/// stage or a group wherever its sockets are. One node serves everything itself (<see cref="LocalMessageDelivery"/>);
/// a cluster back end (the Redis backplane) implements the same calls across nodes, so routing, REST and management
/// code never know which one runs. Frames are complete WebSocket frames, built once by the caller and shared, and
/// never changed or reused afterwards, not even once every recipient has sent them: writers compare frames by memory
/// (array, offset, length) to reuse bytes already staged for another recipient (Connections/SendStaging.cs).
/// What each answer means across nodes is written in docs/clustering.md: in short, an answer is never a success for
/// a node that did not answer (<see cref="DeliveryStatus.Unavailable"/>, <see cref="FanOutResult.Complete"/>).
/// </summary>
public interface IMessageDelivery
{
    /// <summary>
    /// Makes a connection of this node reachable from every node; called after <c>$connect</c> accepted it and before
    /// the 101. Throws <see cref="DeliveryUnavailableException"/> when it cannot (the handshake is then refused with 503).
    /// </summary>
    ValueTask OnConnectedAsync(WebSocketConnection connection, CancellationToken cancellationToken = default);

    /// <summary>Withdraws a connection of this node once it has closed. Never throws.</summary>
    ValueTask OnDisconnectedAsync(WebSocketConnection connection, CancellationToken cancellationToken = default);

    /// <summary>Queues <paramref name="frame"/> for one connection of the API and stage, on whichever node holds it.</summary>
    ValueTask<DeliveryStatus> SendToConnectionAsync(string api, string stage, string connectionId, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default);

    /// <summary>
    /// Queues <paramref name="frame"/> for every connection of the API and stage but <paramref name="exceptConnectionId"/>,
    /// on every node. Never waits for a recipient's socket.
    /// </summary>
    ValueTask<FanOutResult> SendToAllAsync(string api, string stage, ReadOnlyMemory<byte> frame, string? exceptConnectionId, FanOutMode mode, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="SendToAllAsync"/>, for the members of one group.</summary>
    ValueTask<FanOutResult> SendToGroupAsync(string api, string stage, string group, ReadOnlyMemory<byte> frame, string? exceptConnectionId, FanOutMode mode, CancellationToken cancellationToken = default);

    /// <summary>
    /// Puts an open connection in a group, on the node that holds it, and records the membership in the group store;
    /// <see cref="DeliveryStatus.Gone"/> when there is no such open connection.
    /// </summary>
    ValueTask<DeliveryStatus> AddToGroupAsync(string api, string stage, string group, string connectionId, CancellationToken cancellationToken = default);

    /// <summary>Takes a connection out of a group; <see cref="DeliveryStatus.Done"/> also when it was not a member or is gone.</summary>
    ValueTask<DeliveryStatus> RemoveFromGroupAsync(string api, string stage, string group, string connectionId, CancellationToken cancellationToken = default);

    /// <summary>Closes one connection with <paramref name="closeCode"/>, on whichever node holds it.</summary>
    ValueTask<DeliveryStatus> CloseAsync(string api, string stage, string connectionId, ushort closeCode, string reason, CancellationToken cancellationToken = default);

    /// <summary>What the management API's GET shows of an open connection, from the node that holds it.</summary>
    ValueTask<ConnectionLookup> GetConnectionAsync(string api, string stage, string connectionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the connections that run <paramref name="runId"/> (a dead node's process) left behind, so their
    /// <c>$disconnect</c> runs once: each is returned to exactly one caller across the cluster. Empty on one node,
    /// where a process's connections cannot outlive it.
    /// </summary>
    ValueTask<IReadOnlyList<ConnectionSnapshot>> ClaimOrphansAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether run <paramref name="runId"/> is still a process this node can reach through the cluster (false on one
    /// node): an earlier run of this node id that answers is a live process, not one this start replaces.
    /// </summary>
    ValueTask<bool> IsRunReachableAsync(string runId, CancellationToken cancellationToken = default);
}
