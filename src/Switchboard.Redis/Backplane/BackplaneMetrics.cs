using Switchboard.Operations;

namespace Switchboard.Redis.Backplane;

/// <summary>What crossed Redis: kept as Interlocked fields, published with the gateway's metrics (docs/clustering.md).</summary>
internal sealed class BackplaneMetrics
{
    public BackplaneMetrics(GatewayMetrics metrics, Func<int> pendingCalls)
    {
        metrics.Register(new MetricDefinition
        {
            PrometheusName = "switchboard_backplane_published_total", InstrumentName = "switchboard.backplane.published", Kind = MetricKind.Counter,
            Unit = "{message}", Help = "Messages this node published on the Redis backplane (one per send to many, whatever the number of recipients).",
            Value = () => PublishedCount,
        });
        metrics.Register(new MetricDefinition
        {
            PrometheusName = "switchboard_backplane_published_bytes_total", InstrumentName = "switchboard.backplane.published.bytes", Kind = MetricKind.Counter,
            Unit = "By", Help = "Bytes this node published on the Redis backplane.", Value = () => PublishedBytes,
        });
        metrics.Register(new MetricDefinition
        {
            PrometheusName = "switchboard_backplane_received_total", InstrumentName = "switchboard.backplane.received", Kind = MetricKind.Counter,
            Unit = "{message}", Help = "Sends and calls from other nodes this node handled.", Value = () => ReceivedCount,
        });
        metrics.Register(new MetricDefinition
        {
            PrometheusName = "switchboard_backplane_unavailable_total", InstrumentName = "switchboard.backplane.unavailable", Kind = MetricKind.Counter,
            Unit = "{call}", Help = "Sends and calls answered 503 (or incomplete) because another node could not be reached through Redis in time.",
            Value = () => IncompleteCount,
        });
        metrics.Register(new MetricDefinition
        {
            PrometheusName = "switchboard_backplane_malformed_total", InstrumentName = "switchboard.backplane.malformed", Kind = MetricKind.Counter,
            Unit = "{message}", Help = "Messages on the backplane's channels that were not backplane messages (another program on the same channel names), ignored.",
            Value = () => MalformedCount,
        });
        metrics.Register(new MetricDefinition
        {
            PrometheusName = "switchboard_backplane_restores_total", InstrumentName = "switchboard.backplane.restores", Kind = MetricKind.Counter,
            Unit = "{restore}", Help = "Times this node wrote its live connections back into Redis after the connection to it came back.",
            Value = () => RestoredCount,
        });
        metrics.Register(new MetricDefinition
        {
            PrometheusName = "switchboard_backplane_pending_calls", InstrumentName = "switchboard.backplane.pending_calls", Kind = MetricKind.Gauge,
            Unit = "{call}", Help = "Calls waiting for another node's answer (bounded).", Value = () => pendingCalls(),
        });
    }

    private long _published;
    private long _publishedBytes;
    private long _received;
    private long _incomplete;
    private long _malformed;
    private long _restored;

    public long PublishedCount => Volatile.Read(ref _published);

    public long PublishedBytes => Volatile.Read(ref _publishedBytes);

    public long ReceivedCount => Volatile.Read(ref _received);

    public long IncompleteCount => Volatile.Read(ref _incomplete);

    public long MalformedCount => Volatile.Read(ref _malformed);

    public long RestoredCount => Volatile.Read(ref _restored);

    public void Published(int bytes)
    {
        Interlocked.Increment(ref _published);
        Interlocked.Add(ref _publishedBytes, bytes);
    }

    public void Received() => Interlocked.Increment(ref _received);

    public void Incomplete() => Interlocked.Increment(ref _incomplete);

    public void Malformed() => Interlocked.Increment(ref _malformed);

    public void Restored() => Interlocked.Increment(ref _restored);
}
