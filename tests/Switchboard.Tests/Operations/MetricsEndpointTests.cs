using System.Diagnostics.Metrics;
using System.Net.WebSockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Operations;

/// <summary>
/// A real server's metrics: on the <c>Switchboard</c> meter from the host's meter factory, and on /metrics under the
/// names, types and help texts that scrapers already use, each series labelled with the node.
/// </summary>
public sealed partial class MetricsEndpointTests
{
    /// <summary>What /metrics said before the node label, line for line without the samples: the README's contract.</summary>
    private static readonly (string Name, string Type, string Help)[] Contract =
    [
        ("switchboard_connections", "gauge", "Open WebSocket connections on this node."),
        ("switchboard_connects_total", "counter", "WebSocket connections accepted."),
        ("switchboard_disconnects_total", "counter", "WebSocket connections ended."),
        ("switchboard_messages_received_total", "counter", "Messages received from clients."),
        ("switchboard_messages_sent_total", "counter", "Messages written to clients."),
        ("switchboard_messages_dropped_total", "counter", "Messages not delivered because the recipient's queue was full or it closed first."),
        ("switchboard_slow_consumer_closes_total", "counter", "Connections closed with 1008 because their outbound queue was full."),
        ("switchboard_broadcasts_total", "counter", "Broadcasts fanned out."),
        ("switchboard_rest_requests_total", "counter", "REST API requests answered."),
        ("switchboard_rest_throttled_total", "counter", "REST API requests answered 429 Too Many Requests by a stage or usage plan throttle."),
        ("switchboard_rest_quota_exceeded_total", "counter", "REST API requests answered 429 Limit Exceeded by a usage plan quota."),
        ("switchboard_message_assembly_bytes", "gauge", "Bytes held for messages still arriving or being routed (limits.messageAssemblyBudgetBytes caps it)."),
        ("switchboard_management_requests_total", "counter", "@connections management API requests answered."),
    ];

    [Fact]
    public async Task Meter_SeesAConnectedClient_AndABroadcastsDelivery()
    {
        await using var server = await GatewayServer.StartAsync();
        using var readings = new SwitchboardMeterReadings(server.Services.GetRequiredService<IMeterFactory>());
        Assert.Equal(0, readings.Read("switchboard.connections"));
        var sentBefore = readings.Read("switchboard.messages.sent");

        await using var a = await server.ConnectAsync();
        await Eventually.TrueAsync(() => readings.Read("switchboard.connections") == 1, what: "switchboard.connections reaching 1");
        await using var b = await server.ConnectAsync();
        await a.SendTextAsync(SeedMessages.OnMessage("hello"));
        Assert.Equal("hello", await b.ReceiveTextAsync());

        await Eventually.TrueAsync(() => readings.Read("switchboard.messages.sent") == sentBefore + 1, what: "switchboard.messages.sent counting the delivery");
        Assert.Equal(1, readings.Read("switchboard.broadcasts"));
        Assert.Equal(2, readings.Read("switchboard.connections"));

        await a.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).WaitAsync(TestWebSocket.DefaultTimeout);
        await Eventually.TrueAsync(() => readings.Read("switchboard.connections") == 1, what: "switchboard.connections back to 1");
    }

    [Fact]
    public async Task Metrics_KeepTheirNamesTypesAndHelp_AndEverySampleIsLabelledWithTheNode()
    {
        await using var server = await GatewayServer.StartAsync(nodeId: "gw-1:8080");

        var lines = (await server.Http.GetStringAsync("/metrics")).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var expected = Contract.SelectMany(metric => new[]
        {
            $"# HELP {metric.Name} {metric.Help}",
            $"# TYPE {metric.Name} {metric.Type}",
            $"{metric.Name}{{node=\"gw-1:8080\"}} 0",
        });
        Assert.Equal(expected, lines);
    }

    [Fact]
    public async Task NodeIdWithQuoteAndBackslash_IsEscapedInTheLabel()
    {
        await using var server = await GatewayServer.StartAsync(nodeId: "rack \"7\"\\gw");

        var text = await server.Http.GetStringAsync("/metrics");

        var samples = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(line => !line.StartsWith('#')).ToList();
        Assert.Equal(Contract.Length, samples.Count);
        Assert.All(samples, line => Assert.Matches(Sample(), line));
        Assert.Contains("switchboard_connections{node=\"rack \\\"7\\\"\\\\gw\"} 0", samples);
    }

    /// <summary>A sample with exactly the node label, its value escaped as the text format requires.</summary>
    [GeneratedRegex("""^switchboard_[a-z_]+\{node="(?:[^"\\\n]|\\\\|\\"|\\n)*"\} -?[0-9]+$""")]
    private static partial Regex Sample();
}
