using System.Diagnostics;
using Switchboard.Bench.Client;
using Switchboard.Bench.Payload;

namespace Switchboard.Bench.Scenarios;

/// <summary>
/// Sends the protocol's publish message with a fresh timestamp and sequence stamped into its text, either evenly paced
/// (open loop: a slow server does not slow the sender, messages due meanwhile go out in a burst) or closed loop with a
/// bounded window. Frames are built into one reused buffer; a batch of due messages goes out in one send.
/// </summary>
internal sealed class Publisher
{
    private const int MaxBatchBytes = 64 * 1024;

    private readonly RawWebSocket _socket;
    private readonly PublishTemplate _template;
    private readonly PublisherWindow _window;
    private readonly byte[] _batch;
    private readonly int _maxBatch;
    private long _sent;

    public Publisher(RawWebSocket socket, int index, PublishTemplate template, PublisherWindow window)
    {
        _socket = socket;
        _template = template;
        _window = window;
        BenchPayload.Initialize(template.Text, index);
        var frameLength = FrameWriter.FrameLength(template.Message.Length);
        _maxBatch = Math.Max(1, MaxBatchBytes / frameLength);
        _batch = new byte[frameLength * _maxBatch];
    }

    public long Sent => Volatile.Read(ref _sent);

    /// <summary>Sends <paramref name="perSecond"/> messages a second, the first after <paramref name="offsetSeconds"/>, until stopped.</summary>
    public async Task RunPacedAsync(double perSecond, double offsetSeconds, CancellationToken stop)
    {
        var frequency = (double)Stopwatch.Frequency;
        var start = Stopwatch.GetTimestamp() + (long)(offsetSeconds * frequency);
        while (!stop.IsCancellationRequested)
        {
            var now = Stopwatch.GetTimestamp();
            var due = now < start ? 0 : (long)((now - start) * perSecond / frequency) + 1;
            var count = (int)Math.Min(due - _sent, _maxBatch);
            if (count > 0)
            {
                await SendBatchAsync(count);
                continue;
            }

            // Timers tick in about 1 ms on Linux: finer pacing would cost a spinning core, which the server needs.
            var nextDue = start + (long)(_sent * frequency / perSecond);
            var waitMs = (nextDue - now) * 1000.0 / frequency;
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Clamp(waitMs, 1, 100)), CancellationToken.None);
        }
    }

    /// <summary>Keeps at most <paramref name="window"/> messages in flight (sent but not yet received by every subscriber) until stopped.</summary>
    public async Task RunWindowedAsync(int window, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var inFlight = _sent - _window.Completed;
            var count = (int)Math.Min(window - inFlight, _maxBatch);
            if (count > 0)
            {
                await SendBatchAsync(count);
                continue;
            }

            await _window.Signal.WaitAsync();
        }
    }

    /// <summary>Publishes <paramref name="text"/> (not a benchmark payload, e.g. the sync marker) from this connection.</summary>
    public ValueTask SendTextAsync(ReadOnlySpan<byte> text, CancellationToken cancellationToken)
    {
        var prefix = _template.Message.AsSpan(0, _template.TextOffset);
        var suffix = _template.Message.AsSpan(_template.TextOffset + _template.TextLength);
        var message = new byte[prefix.Length + text.Length + suffix.Length];
        prefix.CopyTo(message);
        text.CopyTo(message.AsSpan(prefix.Length));
        suffix.CopyTo(message.AsSpan(prefix.Length + text.Length));
        return _socket.SendTextAsync(message, cancellationToken);
    }

    private ValueTask SendBatchAsync(int count)
    {
        var text = _template.Text;
        var offset = 0;
        for (var i = 0; i < count; i++)
        {
            BenchPayload.Stamp(text, Stopwatch.GetTimestamp(), _sent + i);
            offset += FrameWriter.Write(_batch.AsSpan(offset), FrameWriter.Text, _template.Message, _socket.NextMaskKey());
        }

        // Counted before the send: the first receipts can arrive before the send call returns.
        Volatile.Write(ref _sent, _sent + count);
        return _socket.SendFramesAsync(_batch.AsMemory(0, offset));
    }
}
