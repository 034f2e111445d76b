namespace Switchboard.Connections;

/// <summary>
/// The bytes all connections together may hold in buffers for messages that are still arriving or being handled by
/// the receive loop (<c>limits.messageAssemblyBudgetBytes</c>). Each connection takes its assembly buffer's size from
/// here before renting it and gives it back when the buffer is returned, so many clients each sending part of a large
/// message cannot together make the server hold more than this; a connection that finds it spent is closed with 1013.
/// </summary>
public sealed class MessageAssemblyBudget(long capacityBytes)
{
    private long _held;

    public long CapacityBytes { get; } = capacityBytes;

    /// <summary>Bytes taken and not yet given back (the <c>switchboard_message_assembly_bytes</c> gauge).</summary>
    public long HeldBytes => Volatile.Read(ref _held);

    /// <summary>Takes <paramref name="bytes"/>; false, taking nothing, when that would pass the capacity.</summary>
    public bool TryTake(long bytes)
    {
        if (Interlocked.Add(ref _held, bytes) <= CapacityBytes)
        {
            return true;
        }

        Interlocked.Add(ref _held, -bytes);
        return false;
    }

    public void Give(long bytes) => Interlocked.Add(ref _held, -bytes);
}
