using Switchboard.Bench.Client;

namespace Switchboard.Bench.Scenarios;

/// <summary>State the subscribers and publishers of one fan-out run share.</summary>
internal sealed class FanoutShared
{
    public FanoutShared(int publishers, int subscribers, int window, bool windowed)
    {
        Windows = Enumerable.Range(0, publishers).Select(_ => new PublisherWindow(subscribers, window)).ToArray();
        Windowed = windowed;
    }

    /// <summary>Latencies are recorded only while set: after the warm-up, until the last message sent is in.</summary>
    public volatile bool Recording;

    /// <summary>With <c>--rate max</c>: subscribers report every receipt so publishers can keep a bounded window.</summary>
    public bool Windowed { get; }

    public PublisherWindow[] Windows { get; }

    /// <summary>Wakes every waiting publisher, so they see the stop.</summary>
    public void ReleaseAll()
    {
        foreach (var window in Windows)
        {
            window.Signal.Set();
        }
    }
}

/// <summary>
/// A publisher's messages in flight with <c>--rate max</c>. A message is done when every subscriber has received it, so
/// no subscriber's backlog on the server exceeds the window whatever order the server serves them in, and a closed
/// loop never overflows a per-connection queue: the rate it settles at is the sustainable one.
/// </summary>
internal sealed class PublisherWindow
{
    private readonly int[] _receipts;
    private readonly int _mask;
    private readonly int _subscribers;
    private long _completed;

    public PublisherWindow(int subscribers, int window)
    {
        _subscribers = subscribers;
        // Sequence s and s + size never share a slot while in flight: the window is at most half the ring.
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, window * 2));
        _receipts = new int[size];
        _mask = size - 1;
    }

    public AutoResetSignal Signal { get; } = new();

    public long Completed => Volatile.Read(ref _completed);

    public void OnReceipt(long sequence)
    {
        ref var slot = ref _receipts[(int)(sequence & _mask)];
        if (Interlocked.Increment(ref slot) == _subscribers)
        {
            Volatile.Write(ref slot, 0);
            Interlocked.Increment(ref _completed);
            Signal.Set();
        }
    }
}
