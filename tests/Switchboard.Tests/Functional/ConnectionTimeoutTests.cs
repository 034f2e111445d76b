using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>Idle, lifetime and keep-alive limits (the README); the sweeper runs on real time here, so nothing asserts timing.</summary>
public sealed class ConnectionTimeoutTests
{
    [Fact]
    public async Task SilentClient_IsClosedWith1001_AndLeavesTheRegistry()
    {
        await using var server = await GatewayServer.StartAsync(TestDefinitions.WithLimits(l => l with { IdleTimeoutSeconds = 1 }));
        var (client, id) = await server.ConnectWithIdAsync();
        await using var _ = client;

        Assert.Equal(1001, await client.ReceiveCloseAndAnswerAsync(TimeSpan.FromSeconds(20)));

        await Eventually.TrueAsync(async () => !await server.IsRegisteredAsync(id), what: "the idle connection's registry row being removed");
        using var response = await server.SendAsync(HttpMethod.Get, $"/dev/@connections/{id}");
        Assert.Equal(System.Net.HttpStatusCode.Gone, response.StatusCode);
    }

    [Fact]
    public async Task DefaultIdleTimeout_DoesNotCloseAClientThatIsSilentForAFewSeconds()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var quiet = await server.ConnectAsync();
        await using var other = await server.ConnectAsync();

        // Several sweeper ticks pass; the 10-minute default is nowhere near.
        await quiet.AssertNothingReceivedAsync(TimeSpan.FromSeconds(3));
        await other.SendTextAsync(SeedMessages.OnMessage("still connected"));
        Assert.Equal("still connected", await quiet.ReceiveTextAsync());
    }

    [Fact]
    public async Task ConnectionLifetime_ClosesEvenABusyClientWith1001()
    {
        await using var server = await GatewayServer.StartAsync(TestDefinitions.WithLimits(l => l with { MaxConnectionLifetimeSeconds = 2 }));
        await using var client = await server.ConnectAsync();
        await using var other = await server.ConnectAsync();

        // Keep the client busy so only the lifetime can end it.
        var closeCode = (int?)null;
        var sent = 0;
        await Eventually.TrueAsync(async () =>
        {
            await other.SendTextAsync(SeedMessages.OnMessage($"keep busy {sent++}"));
            var message = await client.ReceiveAsync();
            closeCode = message.CloseStatus;
            return message.Type == System.Net.WebSockets.WebSocketMessageType.Close;
        }, TimeSpan.FromSeconds(30), "the connection lifetime closing the client");

        Assert.Equal(1001, closeCode);
    }

    [Fact]
    public async Task KeepAlive_PingsASilentClient()
    {
        await using var server = await GatewayServer.StartAsync(TestDefinitions.WithLimits(l => l with { KeepAliveIntervalSeconds = 1 }));
        await using var raw = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/dev");

        var frame = await raw.ReceiveFrameAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(RawFrame.Ping, frame.Opcode);
    }

    [Fact]
    public async Task KeepAlive_DropsAClientThatNeverAnswersPings_AndRemovesItsRow()
    {
        await using var server = await GatewayServer.StartAsync(TestDefinitions.WithLimits(l => l with { KeepAliveIntervalSeconds = 1 }));
        var userAgent = "no-pongs/" + Guid.NewGuid().ToString("N");
        await using var raw = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/dev", $"User-Agent: {userAgent}\r\n");
        var row = Assert.Single(await server.Registry.ListAsync(new Switchboard.Registry.ConnectionQuery()), r => r.UserAgent == userAgent);

        Assert.True(await raw.WaitForTcpCloseAsync(TimeSpan.FromSeconds(30)), "a client that never answered pings was not dropped");

        await Eventually.TrueAsync(async () => !await server.IsRegisteredAsync(row.ConnectionId), what: "the dropped client's row being removed");
    }

    [Fact]
    public async Task KeepAlive_KeepsAClientThatAnswersPings()
    {
        await using var server = await GatewayServer.StartAsync(TestDefinitions.WithLimits(l => l with { KeepAliveIntervalSeconds = 1 }));
        await using var client = await server.ConnectAsync();
        await using var other = await server.ConnectAsync();

        // ClientWebSocket answers pings by itself while it reads (both do here); several ping intervals pass.
        await Task.WhenAll(client.AssertNothingReceivedAsync(TimeSpan.FromSeconds(5)), other.AssertNothingReceivedAsync(TimeSpan.FromSeconds(5)));
        await other.SendTextAsync(SeedMessages.OnMessage("still connected"));
        Assert.Equal("still connected", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task MessagesToAClient_CountAsActivity_SoASilentReaderIsNotIdle()
    {
        // Idle is measured on messages in either direction. The gaps between messages here
        // are a fraction of the timeout, so only a stalled machine could make this close.
        await using var server = await GatewayServer.StartAsync(TestDefinitions.WithLimits(l => l with { IdleTimeoutSeconds = 3 }));
        var key = await server.CreateKeyAsync("activity");
        await using var reader = await server.ConnectAsync();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var n = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(7))
        {
            using var response = await server.SendAsync(HttpMethod.Get, $"/dev/receiver?progId={++n}", key);
            Assert.Equal("{\"statusCode\":200,\"sent\":1}", await response.Content.ReadAsStringAsync());
            Assert.Equal(n.ToString(System.Globalization.CultureInfo.InvariantCulture), await reader.ReceiveTextAsync());
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task PingsFromAClient_DoNotCountAsActivity()
    {
        // As in API Gateway, protocol pings do not keep a connection from idling out.
        await using var server = await GatewayServer.StartAsync(TestDefinitions.WithLimits(l => l with { IdleTimeoutSeconds = 1 }));
        await using var raw = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/dev");

        int? closeCode = null;
        await Eventually.TrueAsync(async () =>
        {
            await raw.SendFrameAsync(RawFrame.Ping, "p"u8.ToArray());
            var frame = await raw.ReceiveFrameAsync();
            closeCode = frame.CloseCode;
            return frame.Opcode == RawFrame.Close;
        }, TimeSpan.FromSeconds(30), "the idle timeout closing a client that only pings");

        Assert.Equal(1001, closeCode);
    }
}
