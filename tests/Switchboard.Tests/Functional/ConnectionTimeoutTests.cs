using System.Text;
using Switchboard.Registry;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>
/// Idle, lifetime and keep-alive limits at their defaults (10 minutes, 2 hours, 30 s), on a clock the test moves: no
/// test waits for a deadline in wall time. Every deadline runs on the monotonic clock, so a step of the wall clock
/// neither closes nor keeps a connection.
/// </summary>
public sealed class ConnectionTimeoutTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static Task<GatewayServer> StartAsync(bool keepAlive = false) => GatewayServer.StartAsync(
        keepAlive ? null : TestDefinitions.WithLimits(l => l with { KeepAliveIntervalSeconds = 0 }),
        time: new TestClock());

    [Fact]
    public async Task SilentClient_IsClosedWith1001_AtTheIdleTimeout_AndLeavesTheRegistry()
    {
        await using var server = await StartAsync();
        var (client, userAgent) = await server.ConnectRawAsync();
        await using var _ = client;
        var row = Assert.Single(await server.Registry.ListAsync(new ConnectionQuery()), r => r.UserAgent == userAgent);

        server.AdvanceAndSweep(599 * Second);
        await client.AssertOpenAsync();
        server.AdvanceAndSweep(Second);

        Assert.Equal(1001, await client.ReceiveCloseAsync());
        await client.SendFrameAsync(RawFrame.Close, RawWebSocketClient.ClosePayload(1001));
        await Eventually.TrueAsync(async () => !await server.IsRegisteredAsync(row.ConnectionId), what: "the idle connection's registry row being removed");
        using var response = await server.SendAsync(HttpMethod.Get, $"/dev/@connections/{row.ConnectionId}");
        Assert.Equal(System.Net.HttpStatusCode.Gone, response.StatusCode);
    }

    [Fact]
    public async Task MessagesFromAClient_RestartItsIdleTime()
    {
        await using var server = await StartAsync();
        var (client, _) = await server.ConnectRawAsync();
        await using var __ = client;

        server.AdvanceAndSweep(500 * Second);
        await client.SendFrameAsync(RawFrame.Text, Encoding.UTF8.GetBytes("not JSON: routed to $default"));
        await client.AssertOpenAsync();
        server.AdvanceAndSweep(599 * Second);
        await client.AssertOpenAsync();
        server.AdvanceAndSweep(Second);

        Assert.Equal(1001, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task MessagesToAClient_CountAsActivity_SoASilentReaderIsNotIdle()
    {
        // Idle is measured on messages in either direction, as API Gateway does.
        await using var server = await StartAsync();
        var key = await server.CreateKeyAsync("activity");
        var (reader, _) = await server.ConnectRawAsync();
        await using var __ = reader;

        server.AdvanceAndSweep(500 * Second);
        using (var response = await server.SendAsync(HttpMethod.Get, "/dev/receiver?progId=1", key))
        {
            Assert.Equal("{\"statusCode\":200,\"sent\":1}", await response.Content.ReadAsStringAsync());
        }

        var frame = await reader.ReceiveFrameAsync();
        Assert.Equal("1", Encoding.UTF8.GetString(frame.Payload));
        server.AdvanceAndSweep(599 * Second);
        await reader.AssertOpenAsync();
        server.AdvanceAndSweep(Second);

        Assert.Equal(1001, await reader.ReceiveCloseAsync());
    }

    [Fact]
    public async Task PingsFromAClient_DoNotCountAsActivity()
    {
        // As in API Gateway, protocol pings do not keep a connection from idling out.
        await using var server = await StartAsync();
        var (client, _) = await server.ConnectRawAsync();
        await using var __ = client;

        server.AdvanceAndSweep(300 * Second);
        await client.AssertOpenAsync();
        server.AdvanceAndSweep(300 * Second);

        Assert.Equal(1001, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task ConnectionLifetime_ClosesEvenABusyClientWith1001_AtTwoHours()
    {
        await using var server = await StartAsync();
        var (client, _) = await server.ConnectRawAsync();
        await using var __ = client;

        // A message every 500 s keeps the idle timeout away; only the lifetime can end it.
        for (var elapsed = 500; elapsed < 7200; elapsed += 500)
        {
            server.AdvanceAndSweep(500 * Second);
            await client.SendFrameAsync(RawFrame.Text, Encoding.UTF8.GetBytes($"busy {elapsed}"));
            await client.AssertOpenAsync();
        }

        server.AdvanceAndSweep(199 * Second); // 7199 s
        await client.AssertOpenAsync();
        server.AdvanceAndSweep(Second);

        Assert.Equal(1001, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task KeepAlive_PingsASilentClient_AfterTheInterval()
    {
        await using var server = await StartAsync(keepAlive: true);
        var (client, _) = await server.ConnectRawAsync();
        await using var __ = client;

        server.AdvanceAndSweep(30 * Second);

        Assert.Equal(RawFrame.Ping, (await client.ReceiveFrameAsync()).Opcode);
    }

    [Fact]
    public async Task KeepAlive_DropsAClientThatNeverAnswersPings_AndRemovesItsRow()
    {
        await using var server = await StartAsync(keepAlive: true);
        var (client, userAgent) = await server.ConnectRawAsync();
        await using var _ = client;
        var row = Assert.Single(await server.Registry.ListAsync(new ConnectionQuery()), r => r.UserAgent == userAgent);

        server.AdvanceAndSweep(30 * Second);
        Assert.Equal(RawFrame.Ping, (await client.ReceiveFrameAsync()).Opcode);
        server.AdvanceAndSweep(31 * Second); // nothing at all from the client for two intervals and a second

        Assert.True(await client.WaitForTcpCloseAsync(TimeSpan.FromSeconds(10)), "a client that never answered pings was not dropped");
        await Eventually.TrueAsync(async () => !await server.IsRegisteredAsync(row.ConnectionId), what: "the dropped client's row being removed");
    }

    [Fact]
    public async Task KeepAlive_KeepsAClientThatAnswersPings()
    {
        await using var server = await StartAsync(keepAlive: true);
        var (client, userAgent) = await server.ConnectRawAsync();
        await using var _ = client;

        server.AdvanceAndSweep(30 * Second);
        var ping = await client.ReceiveFrameAsync();
        Assert.Equal(RawFrame.Ping, ping.Opcode);
        await client.SendFrameAsync(RawFrame.Pong, ping.Payload);
        var answeredAt = server.Clock!.GetTimestamp();
        await Eventually.TrueAsync(() => Task.FromResult(server.ServerSide(userAgent).LastReceivedTimestamp == answeredAt), what: "the server reading the pong");

        // 70 s after the connect, but 40 s after the pong: pinged again, not dropped.
        server.AdvanceAndSweep(40 * Second);

        Assert.Equal(RawFrame.Ping, (await client.ReceiveFrameAsync()).Opcode);
    }

    [Fact]
    public async Task AClientThatDoesNotAnswerTheClose_IsDroppedAtTheCloseDeadline()
    {
        await using var server = await StartAsync();
        var (client, userAgent) = await server.ConnectRawAsync();
        await using var _ = client;
        var row = Assert.Single(await server.Registry.ListAsync(new ConnectionQuery()), r => r.UserAgent == userAgent);

        server.AdvanceAndSweep(600 * Second);
        Assert.Equal(1001, await client.ReceiveCloseAsync());
        server.AdvanceAndSweep(10 * Second); // the close handshake's 10 s, on the same clock

        Assert.True(await client.WaitForTcpCloseAsync(TimeSpan.FromSeconds(10)), "a client that did not answer the close was not dropped");
        await Eventually.TrueAsync(async () => !await server.IsRegisteredAsync(row.ConnectionId), what: "the dropped client's row being removed");
    }

    [Fact]
    public async Task WallClockSteps_NeitherCloseNorExtendAConnection()
    {
        await using var server = await StartAsync();
        var clock = server.Clock!;
        var (client, _) = await server.ConnectRawAsync();
        await using var __ = client;

        // A day forward (past both the idle timeout and the lifetime, by the wall clock): nothing happens.
        clock.StepWallClock(TimeSpan.FromDays(1));
        server.AdvanceAndSweep(TimeSpan.Zero);
        await client.AssertOpenAsync();

        // Two days back: the idle timeout still comes 600 s after the connect, by the monotonic clock.
        clock.StepWallClock(TimeSpan.FromDays(-2));
        server.AdvanceAndSweep(599 * Second);
        await client.AssertOpenAsync();
        server.AdvanceAndSweep(Second);

        Assert.Equal(1001, await client.ReceiveCloseAsync());
    }
}
