using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Connections;
using Switchboard.Operations;

namespace Switchboard.Tests.Operations;

/// <summary>One list of definitions feeds both the <c>Switchboard</c> meter and the Prometheus text; other components add theirs with Register.</summary>
public sealed class GatewayMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly IMeterFactory _factory;
    private readonly GatewayMetrics _metrics;
    private readonly SwitchboardMeterReadings _readings;

    public GatewayMetricsTests()
    {
        _factory = _services.GetRequiredService<IMeterFactory>();
        _readings = new SwitchboardMeterReadings(_factory);
        _metrics = new GatewayMetrics(new MessageAssemblyBudget(1024), new NodeIdentity("node-1"), _factory);
    }

    public void Dispose()
    {
        _readings.Dispose();
        _metrics.Dispose();
        _services.Dispose();
    }

    private string Prometheus()
    {
        var text = new StringBuilder();
        _metrics.WritePrometheus(text);
        return text.ToString();
    }

    [Fact]
    public void BroadcastToThreeRecipients_AddsThreeOnce_SeenByMeterAndPrometheus()
    {
        _metrics.Broadcast();
        _metrics.MessagesSent(3);

        Assert.Equal(3, _readings.Read("switchboard.messages.sent"));
        Assert.Equal(1, _readings.Read("switchboard.broadcasts"));
        Assert.Contains("\nswitchboard_messages_sent_total{node=\"node-1\"} 3\n", Prometheus(), StringComparison.Ordinal);
    }

    [Fact]
    public void Connections_GoUpAndDown_OnAnUpDownCounter()
    {
        _metrics.Connected();
        _metrics.Connected();
        _metrics.Disconnected();

        Assert.Equal(1, _readings.Read("switchboard.connections"));
        Assert.Equal(2, _readings.Read("switchboard.connects"));
        Assert.Equal(1, _readings.Read("switchboard.disconnects"));
        var connections = Assert.IsType<ObservableUpDownCounter<long>>(_readings.Instrument("switchboard.connections"));
        Assert.Equal("{connection}", connections.Unit);
        Assert.Equal("Open WebSocket connections on this node.", connections.Description);
    }

    [Theory]
    [InlineData("switchboard.connections", "switchboard_connections", "{connection}")]
    [InlineData("switchboard.connects", "switchboard_connects_total", "{connection}")]
    [InlineData("switchboard.disconnects", "switchboard_disconnects_total", "{connection}")]
    [InlineData("switchboard.messages.received", "switchboard_messages_received_total", "{message}")]
    [InlineData("switchboard.messages.sent", "switchboard_messages_sent_total", "{message}")]
    [InlineData("switchboard.messages.dropped", "switchboard_messages_dropped_total", "{message}")]
    [InlineData("switchboard.slow_consumer.closes", "switchboard_slow_consumer_closes_total", "{connection}")]
    [InlineData("switchboard.broadcasts", "switchboard_broadcasts_total", "{broadcast}")]
    [InlineData("switchboard.rest.requests", "switchboard_rest_requests_total", "{request}")]
    [InlineData("switchboard.rest.throttled", "switchboard_rest_throttled_total", "{request}")]
    [InlineData("switchboard.rest.quota_exceeded", "switchboard_rest_quota_exceeded_total", "{request}")]
    [InlineData("switchboard.message_assembly.usage", "switchboard_message_assembly_bytes", "By")]
    [InlineData("switchboard.management.requests", "switchboard_management_requests_total", "{request}")]
    public void EveryPrometheusSeries_HasItsInstrument_WithTheSameHelp(string instrumentName, string prometheusName, string unit)
    {
        var instrument = _readings.Instrument(instrumentName);

        Assert.NotNull(instrument);
        Assert.Equal(unit, instrument.Unit);
        Assert.Contains($"# HELP {prometheusName} {instrument.Description}\n", Prometheus(), StringComparison.Ordinal);
        Assert.Equal(prometheusName.EndsWith("_total", StringComparison.Ordinal), instrument is ObservableCounter<long>);
    }

    [Fact]
    public void AssemblyBytes_ReadTheBudget()
    {
        var budget = new MessageAssemblyBudget(1024);
        using var metrics = new GatewayMetrics(budget, null, _factory);
        Assert.True(budget.TryTake(100));

        var text = new StringBuilder();
        metrics.WritePrometheus(text);

        Assert.Contains("\nswitchboard_message_assembly_bytes 100\n", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void RegisteredMetric_AppearsOnTheMeterAndLastOnMetrics()
    {
        long published = 0;
        _metrics.Register(new MetricDefinition
        {
            PrometheusName = "switchboard_cluster_messages_published_total",
            InstrumentName = "switchboard.cluster.messages.published",
            Kind = MetricKind.Counter,
            Unit = "{message}",
            Help = "Messages published to the backplane.",
            Value = () => Volatile.Read(ref published),
        });
        Interlocked.Add(ref published, 5);

        Assert.Equal(5, _readings.Read("switchboard.cluster.messages.published"));
        Assert.EndsWith(
            "# HELP switchboard_cluster_messages_published_total Messages published to the backplane.\n"
            + "# TYPE switchboard_cluster_messages_published_total counter\n"
            + "switchboard_cluster_messages_published_total{node=\"node-1\"} 5\n",
            Prometheus(),
            StringComparison.Ordinal);
    }

    [Fact]
    public void RegisteringATakenName_Throws_AndChangesNothing()
    {
        var before = Prometheus();

        var error = Assert.Throws<ArgumentException>(() => _metrics.Register(Definition("switchboard_nodes", "switchboard.connections", MetricKind.Gauge)));

        Assert.Equal(
            "metric definition: 'switchboard_nodes' ('switchboard.connections') is taken by 'switchboard_connections' ('switchboard.connections') (Parameter 'definition')",
            error.Message);
        Assert.Equal(before, Prometheus());
    }

    [Theory]
    [InlineData("switchboard_nodes_total", "switchboard.nodes", MetricKind.Gauge, "metric definition: prometheusName 'switchboard_nodes_total': only a counter's name ends in _total")]
    [InlineData("switchboard_published", "switchboard.published", MetricKind.Counter, "metric definition: prometheusName 'switchboard_published': a counter's name ends in _total")]
    [InlineData("cluster_nodes", "switchboard.nodes", MetricKind.Gauge, "metric definition: prometheusName 'cluster_nodes': expected switchboard_ then lower-case letters, digits and '_'")]
    [InlineData("switchboard_nodes", "switchboard_nodes", MetricKind.Gauge, "metric definition: instrumentName 'switchboard_nodes': expected switchboard. then lower-case words of letters, digits and '_' joined by '.'")]
    [InlineData("switchboard-nodes", "Switchboard.Nodes", MetricKind.Gauge,
        "metric definition: prometheusName 'switchboard-nodes': expected switchboard_ then lower-case letters, digits and '_'; "
        + "instrumentName 'Switchboard.Nodes': expected switchboard. then lower-case words of letters, digits and '_' joined by '.'")]
    public void BadNames_AreRefused_WithEveryProblemNamed(string prometheusName, string instrumentName, MetricKind kind, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => _metrics.Register(Definition(prometheusName, instrumentName, kind)));

        Assert.Equal($"{message} (Parameter 'definition')", error.Message);
    }

    private static MetricDefinition Definition(string prometheusName, string instrumentName, MetricKind kind) => new()
    {
        PrometheusName = prometheusName,
        InstrumentName = instrumentName,
        Kind = kind,
        Unit = "{node}",
        Help = "Nodes.",
        Value = () => 0,
    };
}
