namespace Switchboard.Connections;

/// <summary>
/// A complete frame waiting in a connection's queue. The bytes are shared: a broadcast puts the same array in every
/// recipient's queue, and nobody writes to it after it is built.
/// </summary>
internal readonly record struct OutboundFrame(ReadOnlyMemory<byte> Bytes, bool IsMessage);
