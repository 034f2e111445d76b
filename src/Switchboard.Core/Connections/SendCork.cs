namespace Switchboard.Connections;

/// <summary>
/// Holds one thread's writes to owned sockets while it handles a read that carried several messages, then writes
/// each recipient's frames with one <c>send()</c> (uWebSockets' cork). A publisher sending at full speed delivers
/// dozens of messages per read; without the cork each would cost every recipient a system call of its own, and every
/// recipient a TCP segment to read. A read with one message is not corked: its frames go out at once.
/// Only a synchronous stretch is ever corked (the receive loop ends the cork before it awaits), so the cork is per
/// thread and needs no lock; a corked connection takes frames from other threads into its queue, behind the held ones.
/// </summary>
internal sealed class SendCork
{
    [ThreadStatic]
    private static SendCork? t_current;

    [ThreadStatic]
    private static SendCork? t_spare;

    private readonly List<WebSocketConnection> _held = [];

    /// <summary>The cork this thread holds, if any.</summary>
    internal static SendCork? Current => t_current;

    /// <summary>Corks this thread; null when it already is (the outer cork writes everything).</summary>
    public static SendCork? Begin()
    {
        if (t_current is not null)
        {
            return null;
        }

        var cork = t_spare ?? new SendCork();
        t_spare = null;
        t_current = cork;
        return cork;
    }

    /// <summary>Uncorks the thread and writes what every held connection has queued.</summary>
    public void End()
    {
        t_current = null;
        try
        {
            foreach (var connection in _held)
            {
                try
                {
                    connection.Uncork();
                }
                catch (Exception)
                {
                    // Uncork fails a connection whose socket failed itself; one that throws anyway (a bug) must
                    // not leave the others corked.
                    connection.Abort();
                }
            }
        }
        finally
        {
            _held.Clear();
            t_spare = this;
        }
    }

    /// <summary>A connection that queued its first frame under this cork; written at <see cref="End"/>.</summary>
    internal void Hold(WebSocketConnection connection) => _held.Add(connection);
}
