using Switchboard.Connections;
using Switchboard.Groups;

namespace Switchboard.Registry;

/// <summary>
/// The store writes a handshake or a close waits for: the connection's registry row on <c>$connect</c>, its removal and
/// the forgetting of its group memberships after <c>$disconnect</c>. None may hang a connection or throw at it: each has
/// a <see cref="Deadline"/>, passed as a cancellation token so that a write still waiting for room in a full queue is
/// never made; a failure or a missed deadline marks the store refusing (<see cref="StoreHealth"/>, logged once), and the
/// connection's rows go to <see cref="PendingRemovals"/>, to be removed once the store works again.
/// </summary>
internal sealed class RegistryWrites(
    IConnectionRegistry registry,
    LocalGroups groups,
    PendingRemovals pending,
    StoreHealth health,
    TimeProvider time)
{
    /// <summary>
    /// How long one write may take. The SQLite store gives up on a locked file after its 5-second busy timeout; a
    /// write queued behind batches that are failing that way would wait once for each, which this cuts short.
    /// </summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    /// <summary>Writes the connection's row; false when the store failed or missed the deadline (refuse the handshake).</summary>
    public async ValueTask<bool> SaveAsync(ConnectionRecord record)
    {
        using var deadline = new CancellationTokenSource(Deadline, time);
        try
        {
            await registry.AddAsync(record, deadline.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex)
        {
            // The deadline stops the wait, not a write the store already queued: that may still land. Its retried
            // removal is queued behind it, so a refused connection does not leave a row.
            Failed("registry.save", record.ConnectionId, ex, deadline);
            return false;
        }
    }

    /// <summary>Removes the connection's row now, or once the store works again.</summary>
    public async ValueTask RemoveAsync(string connectionId)
    {
        using var deadline = new CancellationTokenSource(Deadline, time);
        try
        {
            await registry.RemoveAsync(connectionId, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Failed("registry.delete", connectionId, ex, deadline);
        }
    }

    /// <summary>
    /// After <c>$disconnect</c>: forgets the connection's group memberships and removes a registry row the integration
    /// did not remove, now or once the store works again.
    /// </summary>
    public async ValueTask RemoveClosedAsync(WebSocketConnection connection)
    {
        using var deadline = new CancellationTokenSource(Deadline, time);
        try
        {
            await groups.ForgetAsync(connection, deadline.Token).ConfigureAwait(false);
            if (connection.IsRegistered)
            {
                await registry.RemoveAsync(connection.Id, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            Failed("removing a closed connection's rows", connection.Id, ex, deadline);
        }

        // Either removed or pending: the pending set owns the row from here.
        connection.IsRegistered = false;
    }

    private void Failed(string operation, string connectionId, Exception exception, CancellationTokenSource deadline)
    {
        pending.Add(connectionId);

        // A store disposed under a late write means the process is stopping, not that the store is failing.
        if (exception is not ObjectDisposedException)
        {
            health.ReportFailure(operation, deadline.IsCancellationRequested
                ? new TimeoutException($"the store did not answer within {Deadline.TotalSeconds:0} s", exception)
                : exception);
        }
    }
}
