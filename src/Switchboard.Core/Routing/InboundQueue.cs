using System.Buffers;
using System.Threading.Channels;
using Switchboard.Connections;

namespace Switchboard.Routing;

/// <summary>
/// One connection's messages waiting for a backend integration (<c>lambda</c>, <c>http</c>), handled one at a time in
/// arrival order by a worker task, so the receive loop keeps reading (pings answered, close honoured) while a backend
/// works. Bounded by <c>limits.inboundQueueMessages</c>: when it is full, <see cref="EnqueueAsync"/> waits, the receive
/// loop stops reading, and TCP backpressure slows the client: never unbounded memory. Each entry holds a pooled copy of
/// its message, so the most one connection pins is that many messages of at most <c>limits.maxMessageBytes</c>.
/// Created at a connection's first backend message; connections that never use a backend pay nothing.
/// </summary>
internal sealed class InboundQueue
{
    private readonly Channel<Entry> _entries = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly SemaphoreSlim _slots;
    private readonly Func<Entry, Task> _handle;
    private readonly Action<Exception> _onBug;
    private readonly CancellationTokenSource _cancel;
    private readonly Task _worker;
    private int _pending;

    public InboundQueue(int capacity, CancellationToken stopping, Func<Entry, Task> handle, Action<Exception> onBug)
    {
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _slots = new SemaphoreSlim(capacity, capacity);
        _handle = handle;
        _onBug = onBug;
        _worker = Task.Run(WorkAsync);
    }

    /// <summary>Fires when the connection is aborted or the server's drain time is over: calls in flight give up.</summary>
    public CancellationToken Cancelled => _cancel.Token;

    /// <summary>True while every slot is taken: the receive loop is waiting and the socket is not being read.</summary>
    public bool IsFull => _slots.CurrentCount == 0;

    /// <summary>True when nothing is queued or running, so a message may be handled inline without overtaking one.</summary>
    public bool IsIdle => Volatile.Read(ref _pending) == 0;

    /// <summary>Queues a copy of <paramref name="message"/>; waits while the queue is full.</summary>
    public async ValueTask EnqueueAsync(RouteRuntime route, ReadOnlyMemory<byte> message, bool isText, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        var copy = ArrayPool<byte>.Shared.Rent(Math.Max(1, message.Length));
        message.CopyTo(copy);
        Interlocked.Increment(ref _pending);
        _entries.Writer.TryWrite(new Entry(route, copy, message.Length, isText));
    }

    /// <summary>No more messages; completes when the queued ones have been handled (or given up after <see cref="Abort"/>).</summary>
    public async Task CompleteAsync()
    {
        _entries.Writer.TryComplete();
        await _worker.ConfigureAwait(false);

        // The linked source holds a registration on the server's drain token: release it with the connection.
        _cancel.Dispose();
    }

    public void Abort()
    {
        try
        {
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task WorkAsync()
    {
        await foreach (var entry in _entries.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                // After an abort the rest are given up without building their events.
                if (!_cancel.IsCancellationRequested)
                {
                    await _handle(entry).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                // The handler answers every failure itself; reaching here is a bug, and the queue must go on (a dead
                // worker would stall this connection's reading for good).
                _onBug(ex);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(entry.Buffer);
                Interlocked.Decrement(ref _pending);
                _slots.Release();
            }
        }
    }

    /// <summary>A queued message: its route and a pooled copy of its bytes.</summary>
    internal readonly record struct Entry(RouteRuntime Route, byte[] Buffer, int Length, bool IsText)
    {
        public ReadOnlyMemory<byte> Message => Buffer.AsMemory(0, Length);
    }
}
