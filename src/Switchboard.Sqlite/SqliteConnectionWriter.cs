using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Switchboard.Sqlite;

/// <summary>
/// Group commit for the connections table: one loop drains every queued write (up to <see cref="MaxBatchSize"/>)
/// into one transaction, commits, then completes each caller. A commit costs about the same for one row as for
/// hundreds, so a burst of handshakes shares a few commits instead of paying one each.
/// </summary>
internal sealed class SqliteConnectionWriter : IAsyncDisposable
{
    public const int MaxBatchSize = 512;

    /// <summary>
    /// Full policy: callers wait for room. A registry write is never dropped; when the disk falls behind, new
    /// handshakes slow down instead of the queue growing without bound.
    /// </summary>
    public const int QueueCapacity = 8192;

    private readonly Channel<PendingConnectionWrite> _queue = Channel.CreateBounded<PendingConnectionWrite>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly SqliteConnection _connection;
    private readonly ConnectionWriteCommands _commands;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private bool _failing;
    private int _disposed;
    private long _committedBatches;

    public SqliteConnectionWriter(SqliteDatabase database, ILogger logger)
    {
        _logger = logger;
        _connection = database.OpenConnection();
        try
        {
            _commands = new ConnectionWriteCommands(_connection);
        }
        catch
        {
            _connection.Dispose();
            throw;
        }

        _loop = Task.Run(RunAsync);
    }

    /// <summary>Transactions committed so far; tests read it to see that writes share commits.</summary>
    internal long CommittedBatches => Interlocked.Read(ref _committedBatches);

    /// <summary>
    /// Queues the write; the task completes when its batch has committed (or fails with the batch). Cancelling stops
    /// the wait, not the write: once queued, a write commits with its batch, and queue order is commit order.
    /// </summary>
    public Task<int> WriteAsync(PendingConnectionWrite write, CancellationToken cancellationToken)
    {
        if (_queue.Writer.TryWrite(write))
        {
            return cancellationToken.CanBeCanceled ? write.Task.WaitAsync(cancellationToken) : write.Task;
        }

        return WriteWhenRoomAsync(write, cancellationToken);
    }

    /// <summary>Stops taking writes, commits everything already queued, then closes the writer connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _commands.Dispose();
        _connection.Dispose();
    }

    private async Task<int> WriteWhenRoomAsync(PendingConnectionWrite write, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(write, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(SqliteConnectionRegistry));
        }

        return await write.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingConnectionWrite>(MaxBatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatchSize && reader.TryRead(out var write))
            {
                batch.Add(write);
            }

            Commit(batch);
            batch.Clear();
        }
    }

    private void Commit(List<PendingConnectionWrite> batch)
    {
        try
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            _commands.Enlist(transaction);
            foreach (var write in batch)
            {
                write.Apply(_commands);
            }

            transaction.Commit();
        }
        catch (Exception e)
        {
            // The transaction rolled back as a whole, so no write in it happened: every caller hears so.
            if (!_failing)
            {
                _failing = true;
                SqliteConnectionRegistryLog.BatchFailed(_logger, batch.Count, e);
            }

            foreach (var write in batch)
            {
                write.TrySetException(e);
            }

            return;
        }

        Interlocked.Increment(ref _committedBatches);
        if (_failing)
        {
            _failing = false;
            SqliteConnectionRegistryLog.Recovered(_logger);
        }

        foreach (var write in batch)
        {
            write.Complete();
        }
    }
}
