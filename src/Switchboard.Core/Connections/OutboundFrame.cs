namespace Switchboard.Connections;

/// <summary>
/// A complete frame waiting in a connection's queue. The bytes are shared: a broadcast puts the same array in every
/// recipient's queue, and nobody writes to it after it is built. <see cref="IsRemainder"/> marks the unsent end of a
/// frame whose start is already on the wire: it is sent even when the queue is being dropped, so no frame is cut.
/// </summary>
internal readonly record struct OutboundFrame(ReadOnlyMemory<byte> Bytes, bool IsMessage, bool IsRemainder = false);
