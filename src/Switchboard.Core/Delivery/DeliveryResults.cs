namespace Switchboard.Delivery;

/// <summary>What became of a call addressed to one connection. The values cross the backplane as numbers: never renumber.</summary>
public enum DeliveryStatus
{
    /// <summary>Done: the frame is queued for the connection, the membership changed, or the close began.</summary>
    Done = 0,

    /// <summary>No open connection with that id in that API and stage, on any node.</summary>
    Gone = 1,

    /// <summary>The connection's queue was full; it has been closed with 1008.</summary>
    QueueFull = 2,

    /// <summary>
    /// The node that holds the connection could not be asked (Redis unreachable, or the node did not answer in time):
    /// nothing is known to have happened, and callers answer 503.
    /// </summary>
    Unavailable = 3,
}

/// <summary>How much a fan-out waits to know.</summary>
public enum FanOutMode
{
    /// <summary>
    /// Every node hands the frame to its own recipients and answers with how many: <see cref="FanOutResult.Sent"/> is
    /// the total, and a node that does not answer in time makes the result incomplete. For calls that report a count.
    /// </summary>
    Count,

    /// <summary>
    /// The frame is handed to every node (Redis took it for every subscribed node) without waiting for their counts:
    /// for a client's broadcast route, whose sender is told only of a failure. <see cref="FanOutResult.Sent"/> counts
    /// this node's recipients only.
    /// </summary>
    HandOff,
}

/// <summary>What a fan-out did.</summary>
/// <param name="Sent">Recipients handed the frame (on every node that answered, for <see cref="FanOutMode.Count"/>).</param>
/// <param name="Complete">
/// False when some node could not be reached or did not answer in time: its recipients may have missed the frame, and
/// callers say so (503, an error frame), never a plain success.
/// </param>
public readonly record struct FanOutResult(int Sent, bool Complete);

/// <summary>The answer to <see cref="IMessageDelivery.GetConnectionAsync"/>.</summary>
/// <param name="Status"><see cref="DeliveryStatus.Done"/> with a snapshot, <see cref="DeliveryStatus.Gone"/> or <see cref="DeliveryStatus.Unavailable"/>.</param>
/// <param name="Connection">The connection as its node sees it, when found.</param>
public readonly record struct ConnectionLookup(DeliveryStatus Status, ConnectionSnapshot? Connection);

/// <summary>A call needed another node (through Redis) and could not reach it.</summary>
public sealed class DeliveryUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
