using System.Buffers;
using System.Diagnostics;
using System.Threading.Tasks.Sources;

namespace Switchboard.Connections;

/// <summary>
/// The outbound side: a bounded queue of shared frames and what writes them. The queue is a ring of frame references
/// under a short lock (no allocation per message, nothing held while idle). A connection that owns its socket writes
/// a frame straight to it while nothing is queued (<c>WebSocketConnection.SocketWrites.cs</c>); one that writes through
/// a pipe has a send loop (below) that waits on a reusable value-task source, so a waiting connection costs no task.
/// </summary>
public sealed partial class WebSocketConnection : IValueTaskSource<bool>
{
    // Stop filling the transport at about this much per flush so one busy connection yields the thread now and then.
    private const int MaxBytesPerFlush = 64 * 1024;
    private const int InitialRingSize = 8;

    // Frames larger than this ring size are released when the queue drains, so an idle connection holds none.
    private const int KeptRingSize = 32;

    private readonly Lock _queueLock = new();
    private OutboundFrame[]? _ring;
    private int _head;
    private int _count;
    private long _queuedBytes;
    private bool _queueCompleted;
    private bool _senderWaiting; // guarded by _queueLock, as is every Reset and SetResult of _wake
    private ManualResetValueTaskSourceCore<bool> _wake = new() { RunContinuationsAsynchronously = true };

    /// <summary>
    /// Queues a complete frame (see <see cref="WebSocketFrames"/>) without waiting. When the queue is over its bounds the
    /// connection alone is closed with 1008 and false is returned; the caller never waits for a slow client.
    /// </summary>
    internal bool TryEnqueue(ReadOnlyMemory<byte> frame, bool isMessage = true) => Enqueue(frame, isMessage) == EnqueueResult.Queued;

    /// <summary>As <see cref="TryEnqueue"/>, saying why a frame was not queued.</summary>
    internal EnqueueResult Enqueue(ReadOnlyMemory<byte> frame, bool isMessage = true)
    {
        lock (_queueLock)
        {
            if (_queueCompleted)
            {
                return EnqueueResult.Closed;
            }

            // Nothing queued and nobody writing: the frame goes to the socket now, on this thread, or at the end of the
            // thread's cork with the frames that follow it.
            if (_socket is not null && !_writerRunning && !_corked)
            {
                if (SendCork.Current is { } cork)
                {
                    _corked = true;
                    cork.Hold(this);
                    PushLocked(new OutboundFrame(frame, isMessage));
                    return EnqueueResult.Queued;
                }

                // Frames arriving faster than one per HotWriteTicks (many REST broadcasts at once, a backplane burst)
                // wait for the writer instead, which sends what gathered meanwhile in one system call.
                var now = Stopwatch.GetTimestamp();
                if (now - _lastDirectWrite < HotWriteTicks)
                {
                    PushLocked(new OutboundFrame(frame, isMessage));
                    StartWriterLocked();
                    return EnqueueResult.Queued;
                }

                _lastDirectWrite = now;
                if (!WriteNowLocked(frame))
                {
                    _metrics.MessagesDropped(isMessage ? 1 : 0);
                    return EnqueueResult.Closed;
                }

                if (isMessage)
                {
                    Volatile.Write(ref _lastTrafficTimestamp, Now());
                    _metrics.MessagesSent(1);
                }

                return EnqueueResult.Queued;
            }

            // A cork holding more than a flush's worth (or half a bound) for this connection writes it out now, so a
            // long burst in one read never fills the queue of a client that reads: on the corking thread at once, from
            // another thread (which may hold another cork, or none) through the writer.
            if (_corked && !_writerRunning && CorkIsFullLocked())
            {
                if (SendCork.Current is null)
                {
                    StartWriterLocked();
                }
                else if (!WriteQueueNowLocked())
                {
                    _metrics.MessagesDropped(isMessage ? 1 : 0);
                    return EnqueueResult.Closed;
                }
                else if (_count > 0)
                {
                    StartWriterLocked();
                }
            }

            // An empty queue takes any one frame, so a message of the largest allowed size (whose frame is a few
            // header bytes longer) never trips a byte bound set equal to it.
            if (_count < _settings.OutboundQueueMessages && (_count == 0 || _queuedBytes + frame.Length <= _settings.OutboundQueueBytes))
            {
                PushLocked(new OutboundFrame(frame, isMessage));
                WakeSenderLocked();
                return EnqueueResult.Queued;
            }
        }

        // Over the bounds: this connection alone goes, with what it had queued.
        if (BeginClose(CloseCodes.PolicyViolation, "Slow consumer: outbound queue full", discardQueued: true))
        {
            _metrics.SlowConsumerClosed();
        }

        _metrics.MessagesDropped(1);
        return EnqueueResult.Overflow;
    }

    /// <summary>No more frames are taken; the send loop finishes what is queued (or drops it) and ends.</summary>
    private void CompleteQueue()
    {
        lock (_queueLock)
        {
            if (!_queueCompleted)
            {
                _queueCompleted = true;
                if (_socket is not null)
                {
                    FinishSocketWritesLocked();
                }
                else
                {
                    WakeSenderLocked();
                }
            }
        }
    }

    /// <summary>
    /// Signals the send loop if it is waiting. Called under <see cref="_queueLock"/>, as the arming in
    /// <see cref="TryDequeue"/> is, so a signal can never land on a later wait (the continuation runs on the thread pool,
    /// not inside the lock).
    /// </summary>
    private void WakeSenderLocked()
    {
        if (_senderWaiting)
        {
            _senderWaiting = false;
            _wake.SetResult(true);
        }
    }

    private void PushLocked(OutboundFrame frame)
    {
        if (_ring is null || _count == _ring.Length)
        {
            Grow();
        }

        _ring![(_head + _count) & (_ring.Length - 1)] = frame;
        _count++;
        _queuedBytes += frame.Bytes.Length;
    }

    private void Grow()
    {
        var grown = new OutboundFrame[_ring is null ? InitialRingSize : _ring.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            grown[i] = _ring![(_head + i) & (_ring.Length - 1)];
        }

        _ring = grown;
        _head = 0;
    }

    /// <summary>Takes the next frame; false when the queue is empty.</summary>
    private bool TryDequeue(out OutboundFrame frame)
    {
        lock (_queueLock)
        {
            return DequeueLocked(out frame);
        }
    }

    private bool DequeueLocked(out OutboundFrame frame)
    {
        if (_count == 0)
        {
            frame = default;
            if (_ring is { Length: > KeptRingSize })
            {
                _ring = null;
                _head = 0;
            }

            return false;
        }

        frame = _ring![_head];
        _ring[_head] = default;
        _head = (_head + 1) & (_ring.Length - 1);
        _count--;
        _queuedBytes -= frame.Bytes.Length;
        return true;
    }

    private async Task SendLoopAsync()
    {
        var token = _abort.Token;
        try
        {
            while (true)
            {
                // Everything queued goes out back to back in one flush: one syscall for a burst, not one per message.
                var bytes = 0L;
                var dataMessages = 0;
                var discard = _discardQueued;
                while (bytes < MaxBytesPerFlush && TryDequeue(out var frame))
                {
                    if (!discard)
                    {
                        _output!.Write(frame.Bytes.Span);
                    }

                    bytes += frame.Bytes.Length;
                    if (frame.IsMessage)
                    {
                        dataMessages++;
                    }
                }

                if (discard)
                {
                    _metrics.MessagesDropped(dataMessages);
                }
                else if (bytes > 0)
                {
                    if (dataMessages > 0)
                    {
                        Volatile.Write(ref _lastTrafficTimestamp, Now());
                        _metrics.MessagesSent(dataMessages);
                    }

                    var flush = await _output!.FlushAsync(token).ConfigureAwait(false);
                    if (flush.IsCompleted)
                    {
                        return;
                    }

                    continue;
                }

                if (bytes > 0)
                {
                    continue;
                }

                // Empty: finish when the queue is completed, else arm the wake-up and wait for the next frame.
                short version;
                lock (_queueLock)
                {
                    if (_count > 0)
                    {
                        continue;
                    }

                    if (_queueCompleted)
                    {
                        break;
                    }

                    _wake.Reset();
                    _senderWaiting = true;
                    version = _wake.Version;
                }

                await new ValueTask<bool>(this, version).ConfigureAwait(false);
            }

            if (_closeFrame is { } closeFrame && Volatile.Read(ref _state) == StateClosing)
            {
                _output!.Write(closeFrame);
                await _output!.FlushAsync(token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Close deadline passed or the connection was aborted.
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The transport is gone; the receive loop sees it too.
        }
        finally
        {
            // Whatever is still queued will never be sent.
            CompleteQueue();
            var dropped = 0;
            while (TryDequeue(out var frame))
            {
                if (frame.IsMessage)
                {
                    dropped++;
                }
            }

            _metrics.MessagesDropped(dropped);
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _wake.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _wake.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wake.OnCompleted(continuation, state, token, flags);
}

/// <summary>Why <see cref="WebSocketConnection.Enqueue"/> did or did not queue a frame.</summary>
internal enum EnqueueResult
{
    Queued,
    Closed,
    Overflow,
}
