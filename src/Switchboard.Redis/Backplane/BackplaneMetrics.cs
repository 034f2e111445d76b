using Switchboard.Operations;

namespace Switchboard.Redis.Backplane;

/// <summary>What crossed Redis: kept as Interlocked fields, published with the gateway's metrics (docs/clustering.md).</summary>
internal sealed class BackplaneMetrics
{
    public BackplaneMetrics(GatewayMetrics metrics, Func<int> pendingCalls)
    {
        void Add(string name, MetricKind kind, string unit, string help, Func<long> value) => metrics.Register(new MetricDefinition
        {
            PrometheusName = "switchboard_backplane_" + name.Replace('.', '_') + (kind == MetricKind.Counter ? "_total" : ""),
            InstrumentName = "switchboard.backplane." + name,
            Kind = kind,
            Unit = unit,
            Help = help,
            Value = value,
        });

        Add("published", MetricKind.Counter, "{message}",
            "Messages this node published on the Redis backplane (one per send to many, whatever the number of recipients).", () => PublishedCount);
        Add("published.bytes", MetricKind.Counter, "By", "Bytes this node published on the Redis backplane.", () => PublishedBytes);
        Add("received", MetricKind.Counter, "{message}", "Sends and calls from other nodes this node handled.", () => ReceivedCount);
        Add("unavailable", MetricKind.Counter, "{call}",
            "Sends and calls answered 503 (or incomplete) because another node could not be reached through Redis in time.", () => IncompleteCount);
        Add("malformed", MetricKind.Counter, "{message}",
            "Messages on the backplane's channels that were not backplane messages (another program on the same channel names), ignored.", () => MalformedCount);
        Add("restores", MetricKind.Counter, "{restore}",
            "Times this node wrote its live connections back into Redis after the connection to it came back.", () => RestoredCount);
        Add("pending_calls", MetricKind.Gauge, "{call}", "Calls waiting for another node's answer (bounded).", () => pendingCalls());
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
