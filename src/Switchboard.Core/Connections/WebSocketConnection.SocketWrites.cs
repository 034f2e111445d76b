using System.Net.Sockets;

namespace Switchboard.Connections;

/// <summary>
/// Writing to a socket the connection owns (docs/architecture.md, "Connections own their sockets"). While nothing is
/// queued, a frame is written by whoever sends it (a broadcast's fan-out loop, the receive loop's pong) with one
/// non-blocking <c>send()</c>, on that thread: no queue, no wake-up, no pipe. Only when the kernel's buffer is full
/// does the rest of the frame wait in the connection's bounded queue, and an asynchronous writer sends the queue as the
/// socket drains; while it runs, later frames queue behind it, so frames never interleave or reorder. An idle
/// connection holds no writer, no task and no buffer.
/// </summary>
public sealed partial class WebSocketConnection
{
    private Socket? _socket;              // set under _queueLock once the 101 is out; null on a pipe transport
    private bool _writerRunning;          // guarded by _queueLock: the asynchronous writer owns the socket's sending side
    private bool _corked;                 // guarded by _queueLock: a thread's SendCork holds this connection's queue
    private bool _closeFrameTaken;        // guarded by _queueLock: the close frame went to the socket (or behind the queue)
    private TaskCompletionSource? _writesFinished; // guarded by _queueLock: made only when RunAsync must wait for the writer
    private long _lastDirectWrite;        // guarded by _queueLock: Stopwatch timestamp of the last frame written at once

    // A connection written at once less than 2 ms ago is "hot": its next frame goes through the writer, so that
    // frames sent from many threads at once (concurrent REST broadcasts, a backplane burst) leave in one send()
    // rather than one each (REST broadcasts to 100 clients: 1,390 requests/s with every frame written at once, 3,694
    // with this; a window of 0.25 ms did not help). A connection that gets fewer than 500 frames a second is always
    // written at once (docs/performance.md). Real time, not the host's TimeProvider: this is a batching heuristic.
    private static readonly long HotWriteTicks = System.Diagnostics.Stopwatch.Frequency / 500;

    /// <summary>Starts writing to an owned socket; what was queued before the 101 (a backend may post as soon as <c>$connect</c> answered) goes first.</summary>
    private void AttachSocket(Socket socket)
    {
        lock (_queueLock)
        {
            _socket = socket;
            if (_writerRunning)
            {
                // A frame cut by a full buffer: the writer has it.
            }
            else if (_count > 0)
            {
                StartWriterLocked();
            }
            else if (_queueCompleted)
            {
                FinishSocketWritesLocked();
            }
        }
    }

    /// <summary>
    /// Writes as much of <paramref name="frame"/> as the kernel takes now, without blocking; the rest is queued for the
    /// writer. Called under <see cref="_queueLock"/> with nothing queued and no writer running. False when the socket
    /// failed (the peer is gone): then nothing more is written, and the receive loop ends the connection.
    /// </summary>
    private bool WriteNowLocked(ReadOnlyMemory<byte> frame)
    {
        int sent;
        SocketError error;
        try
        {
            sent = _socket!.Send(frame.Span, SocketFlags.None, out error);
        }
        catch (ObjectDisposedException)
        {
            sent = 0;
            error = SocketError.Shutdown;
        }

        if (error == SocketError.Success && sent == frame.Length)
        {
            return true;
        }

        if (error is SocketError.Success or SocketError.WouldBlock)
        {
            // The kernel's buffer is full: the rest of this frame is first in the queue (its message was already counted).
            PushLocked(new OutboundFrame(frame[sent..], IsMessage: false, IsRemainder: true));
            StartWriterLocked();
            return true;
        }

        FailSocketLocked();
        return false;
    }

    /// <summary>
    /// The queue was completed (a close began or the peer vanished): with no writer running, the close frame (when this
    /// side is closing) is written now; a running writer writes it after what is queued, or drops that first.
    /// </summary>
    private void FinishSocketWritesLocked()
    {
        if (_writerRunning || _corked)
        {
            return;
        }

        if (TakeCloseFrameLocked() is { } close && !WriteNowLocked(close))
        {
            return;
        }

        SignalIfWritesFinishedLocked();
    }

    private void SignalIfWritesFinishedLocked()
    {
        if (_queueCompleted && !_writerRunning && !_corked)
        {
            _writesFinished?.TrySetResult();
        }
    }

    /// <summary>
    /// The cork that held this connection ended: what it queued goes out in one non-blocking staged write, frames that
    /// do not fit in the kernel's buffer go to the writer, and a close that began meanwhile is finished.
    /// </summary>
    internal void Uncork()
    {
        lock (_queueLock)
        {
            _corked = false;
            if (_writerRunning)
            {
                return;
            }

            if (_discardQueued)
            {
                DropQueuedLocked();
            }
            else if (_count == 1)
            {
                DequeueLocked(out var frame);
                if (!WriteNowLocked(frame.Bytes))
                {
                    _metrics.MessagesDropped(frame.IsMessage ? 1 : 0);
                    return;
                }

                if (frame.IsMessage)
                {
                    Volatile.Write(ref _lastTrafficTimestamp, Now());
                    _metrics.MessagesSent(1);
                }
            }
            else if (_count > 1 && !WriteQueueNowLocked())
            {
                return;
            }

            if (_writerRunning)
            {
                // A frame cut by a full buffer: the writer has it.
            }
            else if (_count > 0)
            {
                StartWriterLocked();
            }
            else if (_queueCompleted)
            {
                FinishSocketWritesLocked();
            }
        }
    }

    private bool CorkIsFullLocked() =>
        _queuedBytes >= MaxBytesPerFlush || _count * 2 >= _settings.OutboundQueueMessages || _queuedBytes * 2 >= _settings.OutboundQueueBytes;

    /// <summary>
    /// Writes the queue's first frames (up to <see cref="SendStaging.Capacity"/> bytes, staged in this thread's buffer)
    /// with one non-blocking send and takes off what went out; a frame cut by a full buffer stays first in the queue as
    /// its remainder. A first frame larger than the buffer goes alone, uncopied. False when the socket failed.
    /// </summary>
    private bool WriteQueueNowLocked()
    {
        if (_count == 0)
        {
            return true;
        }

        var staging = SendStaging.Begin();
        for (var i = 0; i < _count; i++)
        {
            if (!staging.TryAdd(_ring![(_head + i) & (_ring.Length - 1)].Bytes))
            {
                break;
            }
        }

        int sent;
        SocketError error;
        try
        {
            var bytes = staging.Staged.Length > 0 ? staging.Staged : _ring![_head].Bytes.Span;
            sent = _socket!.Send(bytes, SocketFlags.None, out error);
        }
        catch (ObjectDisposedException)
        {
            sent = 0;
            error = SocketError.Shutdown;
        }

        if (error is not (SocketError.Success or SocketError.WouldBlock))
        {
            FailSocketLocked();
            return false;
        }

        var messages = 0;
        while (sent > 0)
        {
            ref var first = ref _ring![_head];
            messages += first.IsMessage ? 1 : 0;
            if (sent < first.Bytes.Length)
            {
                _queuedBytes -= sent;
                first = new OutboundFrame(first.Bytes[sent..], IsMessage: false, IsRemainder: true);
                break;
            }

            sent -= first.Bytes.Length;
            DequeueLocked(out _);
        }

        if (messages > 0)
        {
            Volatile.Write(ref _lastTrafficTimestamp, Now());
            _metrics.MessagesSent(messages);
        }

        return true;
    }

    /// <summary>Drops every queued frame that has not started; a started frame's remainder stays, so no frame is cut.</summary>
    private void DropQueuedLocked()
    {
        var dropped = 0;
        var remainder = default(OutboundFrame);
        while (DequeueLocked(out var frame))
        {
            if (frame.IsRemainder)
            {
                remainder = frame;
            }
            else
            {
                dropped += frame.IsMessage ? 1 : 0;
            }
        }

        if (remainder.IsRemainder)
        {
            PushLocked(remainder);
        }

        _metrics.MessagesDropped(dropped);
    }

    private byte[]? TakeCloseFrameLocked()
    {
        // Only once the queue is complete: BeginClose sets the state and the frame a moment before it completes the
        // queue, and a frame taken in between could still be followed by a message.
        if (!_queueCompleted || _closeFrameTaken || _closeFrame is not { } close || Volatile.Read(ref _state) != StateClosing)
        {
            return null;
        }

        _closeFrameTaken = true;
        return close;
    }

    /// <summary>The socket cannot be written any more: nothing is taken or sent from now on, and the transport is dropped.</summary>
    private void FailSocketLocked()
    {
        _discardQueued = true;
        _queueCompleted = true;
        var dropped = 0;
        while (DequeueLocked(out var frame))
        {
            dropped += frame.IsMessage ? 1 : 0;
        }

        _metrics.MessagesDropped(dropped);
        SignalIfWritesFinishedLocked();
        AbortSocket();
    }

    private void StartWriterLocked()
    {
        _writerRunning = true;

        // Off this thread: the caller holds the queue's lock (and may be a fan-out loop with other recipients to serve).
        ThreadPool.UnsafeQueueUserWorkItem(static connection => _ = connection.WriteQueuedAsync(), this, preferLocal: false);
    }

    /// <summary>
    /// Sends the queue as the socket drains, then the close frame when closing; ends when the queue is empty. Each turn
    /// first writes what the kernel takes at once, staged into one send (<see cref="WriteQueueNowLocked"/>); when
    /// frames remain (the kernel's buffer is full, or more was queued than one send carries) the writer takes the
    /// first one off the queue and waits for the socket to take it.
    /// </summary>
    private async Task WriteQueuedAsync()
    {
        var socket = _socket!;
        var waiting = default(OutboundFrame); // off the queue, not yet counted: dropped if the socket fails under it
        try
        {
            while (true)
            {
                byte[]? close = null;
                lock (_queueLock)
                {
                    if (_discardQueued)
                    {
                        // Dropping never cuts a frame: the rest of one already partly on the wire is still sent.
                        DropQueuedLocked();
                    }

                    if (_count == 0)
                    {
                        close = TakeCloseFrameLocked();
                        if (close is null)
                        {
                            _writerRunning = false;
                            SignalIfWritesFinishedLocked();
                            return;
                        }
                    }
                    else if (!WriteQueueNowLocked())
                    {
                        _writerRunning = false;
                        SignalIfWritesFinishedLocked();
                        return;
                    }
                    else if (_count == 0)
                    {
                        continue;
                    }
                    else
                    {
                        // The kernel's buffer is full (or one send could not carry it all): wait for the socket
                        // with the first frame, the rest stays queued.
                        DequeueLocked(out waiting);
                    }
                }

                if (close is not null)
                {
                    await socket.SendAsync(close, SocketFlags.None).ConfigureAwait(false);
                    continue;
                }

                await socket.SendAsync(waiting.Bytes, SocketFlags.None).ConfigureAwait(false);
                if (waiting.IsMessage)
                {
                    Volatile.Write(ref _lastTrafficTimestamp, Now());
                    _metrics.MessagesSent(1);
                }

                waiting = default;
            }
        }
        catch (Exception)
        {
            // The socket failed (or, for anything but SocketException and ObjectDisposedException, a bug): either
            // way nothing more can be written in order, and RunAsync must not wait for this writer.
            lock (_queueLock)
            {
                _metrics.MessagesDropped(waiting.IsMessage ? 1 : 0);
                _writerRunning = false;
                FailSocketLocked();
            }
        }
    }

    /// <summary>Waits until everything the socket will ever be sent has been sent (or dropped); the queue is complete by then.</summary>
    private async Task SocketWritesFinishedAsync()
    {
        Task? finished = null;
        lock (_queueLock)
        {
            if (!_queueCompleted || _writerRunning || _corked)
            {
                _writesFinished ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                finished = _writesFinished.Task;
            }
        }

        if (finished is not null)
        {
            await finished.ConfigureAwait(false);
        }
    }

    /// <summary>Drops the TCP connection: a pending read ends, a pending write fails.</summary>
    private void AbortSocket()
    {
        try
        {
            _socket?.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already shut down or closed.
        }
    }
}
