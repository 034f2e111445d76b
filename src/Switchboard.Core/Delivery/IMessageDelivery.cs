namespace Switchboard.Delivery;

/// <summary>
/// The seam between what decides to send (integrations, the management and REST APIs) and the sockets. On one node
/// every call is local (<see cref="LocalMessageDelivery"/>); a cluster back end implements the same calls across nodes,
/// so routing code never changes. Frames are complete WebSocket frames, built once by the caller and shared.
/// </summary>
public interface IMessageDelivery
{
    /// <summary>Queues <paramref name="frame"/> for one connection of the API and stage.</summary>
    ValueTask<SendOutcome> SendAsync(string api, string stage, string connectionId, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default);

    /// <summary>
    /// Queues <paramref name="frame"/> for every connection of the API and stage but <paramref name="exceptConnectionId"/>;
    /// returns how many it was handed to. Never waits for a recipient.
    /// </summary>
    ValueTask<int> BroadcastAsync(string api, string stage, ReadOnlyMemory<byte> frame, string? exceptConnectionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Queues <paramref name="frame"/> for every member of a group of the API and stage but
    /// <paramref name="exceptConnectionId"/>; returns how many it was handed to. Never waits for a recipient.
    /// </summary>
    ValueTask<int> SendToGroupAsync(string api, string stage, string group, ReadOnlyMemory<byte> frame, string? exceptConnectionId, CancellationToken cancellationToken = default);

    /// <summary>Puts an open connection of the API and stage in a group; false when there is no such open connection.</summary>
    ValueTask<bool> AddToGroupAsync(string api, string stage, string group, string connectionId, CancellationToken cancellationToken = default);

    /// <summary>Takes a connection out of a group; harmless when it is not a member or gone.</summary>
    ValueTask RemoveFromGroupAsync(string api, string stage, string group, string connectionId, CancellationToken cancellationToken = default);

    /// <summary>Closes one connection with <paramref name="closeCode"/>; false when it is not open.</summary>
    ValueTask<bool> CloseAsync(string api, string stage, string connectionId, ushort closeCode, string reason, CancellationToken cancellationToken = default);
}

/// <summary>What became of a send to one connection.</summary>
public enum SendOutcome
{
    /// <summary>Queued for the connection.</summary>
    Queued,

    /// <summary>No open connection with that id in that API and stage.</summary>
    Gone,

    /// <summary>The connection's queue was full; it has been closed with 1008.</summary>
    QueueFull,
}
