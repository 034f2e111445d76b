using System.Net;
using System.Net.WebSockets;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>What operators and plain HTTP clients see (the README): 426, 404, health, readiness, metrics.</summary>
public sealed class OperationsTests
{
    private static readonly string[] ContractMetrics =
    [
        "switchboard_connections",
        "switchboard_messages_received_total",
        "switchboard_messages_sent_total",
        "switchboard_messages_dropped_total",
        "switchboard_connects_total",
        "switchboard_disconnects_total",
    ];

    [Theory]
    [InlineData("/dev")]
    [InlineData("/test")]
    public async Task PlainHttpGetOnAStage_Gets426UpgradeRequired(string path)
    {
        await using var server = await GatewayServer.StartAsync();

        using var response = await server.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("Dev")]
    [InlineData("dev/extra")]
    public async Task HandshakeToAnUnknownStage_Gets404(string stage)
    {
        await using var server = await GatewayServer.StartAsync();
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;

        await Assert.ThrowsAsync<WebSocketException>(() =>
            socket.ConnectAsync(server.WebSocketUri(stage), CancellationToken.None).WaitAsync(TestWebSocket.DefaultTimeout));

        Assert.Equal(HttpStatusCode.NotFound, socket.HttpStatusCode);
        Assert.Empty(await server.Registry.ListAsync(new Switchboard.Registry.ConnectionQuery()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task HealthAndReadiness_Answer200(bool sqlite)
    {
        await using var server = await GatewayServer.StartAsync(sqlite: sqlite);

        using var health = await server.Http.GetAsync("/healthz");
        using var ready = await server.Http.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Metrics_HaveTheContractsSixNames_AsPrometheusText()
    {
        await using var server = await GatewayServer.StartAsync();

        using var response = await server.Http.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var lines = text.Split('\n');
        Assert.Contains("# TYPE switchboard_connections gauge", lines);
        foreach (var name in ContractMetrics.Skip(1))
        {
            Assert.Contains($"# TYPE {name} counter", lines);
        }

        var samples = await server.MetricsAsync();
        Assert.All(ContractMetrics, name => Assert.Equal(0, samples[name]));
    }

    [Fact]
    public async Task Metrics_CountConnectsMessagesAndDisconnects()
    {
        await using var server = await GatewayServer.StartAsync();
        var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();
        await using var c = await server.ConnectAsync();

        await a.SendTextAsync(SeedMessages.OnMessage("one"));
        await a.SendTextAsync(SeedMessages.OnMessage("two"));
        await a.SendTextAsync("hi");
        Assert.Equal("one", await b.ReceiveTextAsync());
        Assert.Equal("two", await b.ReceiveTextAsync());
        Assert.Equal("one", await c.ReceiveTextAsync());
        Assert.Equal("two", await c.ReceiveTextAsync());
        SeedMessages.AssertErrorFrame(await a.ReceiveTextAsync(), "Forbidden");

        var during = await server.MetricsAsync();
        Assert.Equal(3, during["switchboard_connects_total"]);
        Assert.Equal(3, during["switchboard_connections"]);
        Assert.Equal(3, during["switchboard_messages_received_total"]);
        Assert.Equal(0, during["switchboard_disconnects_total"]);

        // Four broadcast deliveries; whether the Forbidden frame counts as a message sent is the gateway's choice.
        Assert.InRange(during["switchboard_messages_sent_total"], 4, 5);

        await a.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).WaitAsync(TestWebSocket.DefaultTimeout);
        await a.DisposeAsync();
        await Eventually.TrueAsync(async () =>
        {
            var after = await server.MetricsAsync();
            return after["switchboard_disconnects_total"] == 1 && after["switchboard_connections"] == 2;
        }, what: "the disconnect being counted");
        Assert.Equal(3, (await server.MetricsAsync())["switchboard_connects_total"]);
    }
}
