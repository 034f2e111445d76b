using System.Diagnostics;
using Switchboard.Bench.Client;
using Switchboard.Bench.Metrics;
using Switchboard.Bench.Payload;

namespace Switchboard.Bench.Scenarios;

/// <summary>
/// A fan-out subscriber: on its receive loop, parses each message's send time and sequence, records the end-to-end
/// latency and counts the delivery. Single writer, so plain fields; readers use <see cref="Delivered"/>.
/// </summary>
internal sealed class Subscriber(FanoutShared shared) : IMessageSink
{
    public static ReadOnlySpan<byte> SyncMarker => "sync"u8;

    private readonly long[] _lastSequence = Enumerable.Repeat(-1L, shared.Windows.Length).ToArray();
    private long _delivered;
    private int _synced;

    public LatencyHistogram Latency { get; } = new();

    public long Delivered => Volatile.Read(ref _delivered);

    /// <summary>Messages that arrived for a publisher at or below a sequence already seen: duplicates or reordering.</summary>
    public long OutOfOrder { get; private set; }

    /// <summary>Messages that were not a benchmark payload (and not the sync marker).</summary>
    public long Malformed { get; private set; }

    public bool Synced => Volatile.Read(ref _synced) != 0;

    public void OnMessage(ReadOnlySpan<byte> text)
    {
        var now = Stopwatch.GetTimestamp();
        if (!BenchPayload.TryParse(text, out var sent, out var sequence, out var publisher) || (uint)publisher >= (uint)_lastSequence.Length)
        {
            if (text.StartsWith(SyncMarker))
            {
                Volatile.Write(ref _synced, 1);
            }
            else
            {
                Malformed++;
            }

            return;
        }

        if (shared.Recording)
        {
            Latency.Record(now - sent);
        }

        if (sequence <= _lastSequence[publisher])
        {
            OutOfOrder++;
        }
        else
        {
            _lastSequence[publisher] = sequence;
        }

        Volatile.Write(ref _delivered, _delivered + 1);
        if (shared.Windowed)
        {
            shared.Windows[publisher].OnReceipt(sequence);
        }
    }
}

/// <summary>Counts the benchmark messages a connection receives (the stalled client, read after the run).</summary>
internal sealed class PayloadCounter : IMessageSink
{
    private long _count;

    public long Count => Volatile.Read(ref _count);

    public void OnMessage(ReadOnlySpan<byte> text)
    {
        if (BenchPayload.TryParse(text, out _, out _, out _))
        {
            Volatile.Write(ref _count, _count + 1);
        }
    }
}
