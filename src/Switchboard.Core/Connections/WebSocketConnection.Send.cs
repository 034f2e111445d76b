using System.Buffers;

namespace Switchboard.Connections;

public sealed partial class WebSocketConnection
{
    // Stop filling the transport at about this much per flush so one busy connection yields the thread now and then.
    private const int MaxBytesPerFlush = 64 * 1024;

    private int _queuedMessages;
    private long _queuedBytes;

    /// <summary>
    /// Queues a complete frame (see <see cref="WebSocketFrames"/>) without waiting. When the queue is over its bounds the
    /// connection alone is closed with 1008 and false is returned; the caller never waits for a slow client.
    /// </summary>
    internal bool TryEnqueue(ReadOnlyMemory<byte> frame, bool isMessage = true) => Enqueue(frame, isMessage) == EnqueueResult.Queued;

    /// <summary>As <see cref="TryEnqueue"/>, saying why a frame was not queued.</summary>
    internal EnqueueResult Enqueue(ReadOnlyMemory<byte> frame, bool isMessage = true)
    {
        if (Volatile.Read(ref _state) != StateOpen)
        {
            return EnqueueResult.Closed;
        }

        var messages = Interlocked.Increment(ref _queuedMessages);
        var bytes = Interlocked.Add(ref _queuedBytes, frame.Length);
        if (messages > _settings.OutboundQueueMessages || bytes > _settings.OutboundQueueBytes)
        {
            Interlocked.Decrement(ref _queuedMessages);
            Interlocked.Add(ref _queuedBytes, -frame.Length);
            if (BeginClose(CloseCodes.PolicyViolation, "Slow consumer: outbound queue full", discardQueued: true))
            {
                _metrics.SlowConsumerClosed();
            }

            _metrics.MessagesDropped(1);
            return EnqueueResult.Overflow;
        }

        if (!_queue.Writer.TryWrite(new OutboundFrame(frame, isMessage)))
        {
            // Closed between the state check and the write.
            Interlocked.Decrement(ref _queuedMessages);
            Interlocked.Add(ref _queuedBytes, -frame.Length);
            return EnqueueResult.Closed;
        }

        return EnqueueResult.Queued;
    }

    private async Task SendLoopAsync()
    {
        var reader = _queue.Reader;
        var token = _abort.Token;
        try
        {
            while (await reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                // Everything queued goes out back to back in one flush: one syscall for a burst, not one per message.
                var bytes = 0L;
                var messages = 0;
                var dataMessages = 0;
                var discard = _discardQueued;
                while (bytes < MaxBytesPerFlush && reader.TryRead(out var frame))
                {
                    if (!discard)
                    {
                        _output.Write(frame.Bytes.Span);
                    }

                    bytes += frame.Bytes.Length;
                    messages++;
                    if (frame.IsMessage)
                    {
                        dataMessages++;
                    }
                }

                Interlocked.Add(ref _queuedMessages, -messages);
                Interlocked.Add(ref _queuedBytes, -bytes);
                if (discard)
                {
                    _metrics.MessagesDropped(dataMessages);
                    continue;
                }

                if (dataMessages > 0)
                {
                    Volatile.Write(ref _lastTrafficMs, NowMs());
                    _metrics.MessagesSent(dataMessages);
                }

                var flush = await _output.FlushAsync(token).ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    return;
                }
            }

            if (_closeFrame is { } closeFrame && Volatile.Read(ref _state) == StateClosing)
            {
                _output.Write(closeFrame);
                await _output.FlushAsync(token).ConfigureAwait(false);
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
            while (reader.TryRead(out var frame))
            {
                if (frame.IsMessage)
                {
                    _metrics.MessagesDropped(1);
                }
            }
        }
    }
}

/// <summary>Why <see cref="WebSocketConnection.Enqueue"/> did or did not queue a frame.</summary>
internal enum EnqueueResult
{
    Queued,
    Closed,
    Overflow,
}
