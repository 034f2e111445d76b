using Switchboard.Bench.Metrics;

namespace Switchboard.Bench.Scenarios;

/// <summary>What one fan-out measurement saw.</summary>
internal sealed class FanoutOutcome
{
    public List<string> Failures { get; } = [];

    public long Published { get; set; }

    /// <summary>Published × subscribers: every message to every subscriber.</summary>
    public long Expected { get; set; }

    public long Delivered { get; set; }

    public long Lost => Expected - Delivered;

    public long OutOfOrder { get; set; }

    public long Malformed { get; set; }

    /// <summary>Subscribers that got fewer messages than were published, and the most any of them missed.</summary>
    public int ShortSubscribers { get; set; }

    public long WorstShortfall { get; set; }

    /// <summary>Connections whose close handshake the server did not answer in time.</summary>
    public int CloseFailures { get; set; }

    public double MeasuredSeconds { get; set; }

    public double DeliveredPerSecond { get; set; }

    public double PublishedPerSecond { get; set; }

    public LatencyHistogram Latency { get; } = new();

    public CpuReading Cpu { get; set; }

    /// <summary>Bytes this generator allocated per delivery in the measured interval: near 0 when its hot path allocates nothing.</summary>
    public double AllocatedPerDelivery { get; set; }

    public StalledClientOutcome? Stalled { get; set; }

    /// <summary>Failures, and every message not delivered exactly once in order.</summary>
    /// <param name="subscribers">Subscribers of a fan-out; null for echo, where each connection gets its own replies.</param>
    /// <param name="ordered">Whether a message out of order is a problem (not with <c>--unordered</c>).</param>
    public IEnumerable<string> Problems(int? subscribers, bool ordered = true)
    {
        foreach (var failure in Failures)
        {
            yield return failure;
        }

        if (MeasuredSeconds > 0 && Lost != 0)
        {
            yield return subscribers is { } n
                ? $"expected {Expected:N0} deliveries ({Published:N0} publishes × {n} subscribers), got {Delivered:N0}: {Lost:N0} lost; "
                    + $"{ShortSubscribers} subscribers short, the worst by {WorstShortfall:N0}"
                : $"expected {Expected:N0} replies, got {Delivered:N0}: {Lost:N0} lost; {ShortSubscribers} connections short, the worst by {WorstShortfall:N0}";
        }

        if (CloseFailures > 0)
        {
            yield return $"{CloseFailures} connections got no answer to their close frame within {FanoutRun.CloseTimeout.TotalSeconds:0} s: the server's side of them is stuck";
        }

        if (ordered && OutOfOrder > 0)
        {
            yield return $"{OutOfOrder:N0} messages arrived twice or out of order";
        }

        if (Malformed > 0)
        {
            yield return $"{Malformed:N0} messages were not the text sent";
        }
    }
}

/// <summary>What became of the client that never read: closed by the server (and how), and what it got when finally read.</summary>
internal sealed record StalledClientOutcome(bool CloseReceived, int CloseCode, bool Ended, long Received, string Description);
