using System.Net.WebSockets;
using System.Text;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>Limits on what a client sends (the README): message size, fragmented messages, UTF-8.</summary>
public sealed class MessageLimitTests
{
    private const int Limit = 131_072;

    /// <summary>An onMessage broadcast whose whole text is exactly <paramref name="totalBytes"/> bytes.</summary>
    private static string BroadcastOfTotalSize(int totalBytes)
    {
        var envelope = SeedMessages.OnMessage("");
        return SeedMessages.OnMessage(new string('x', totalBytes - Encoding.UTF8.GetByteCount(envelope)));
    }

    private static Task SendFragmentAsync(TestWebSocket client, byte[] bytes, bool last, WebSocketMessageType type = WebSocketMessageType.Text) =>
        client.Socket.SendAsync(bytes, type, last, CancellationToken.None).WaitAsync(TestWebSocket.DefaultTimeout);

    [Fact]
    public async Task MessageOf200KiB_ClosesTheSenderWith1009_AndNobodyElseIsAffected()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var big = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();
        await using var c = await server.ConnectAsync();

        await big.SendTextAsync(SeedMessages.OnMessage(new string('x', 200 * 1024)));

        Assert.Equal(1009, await big.ReceiveCloseAsync());
        await c.SendTextAsync(SeedMessages.OnMessage("after the big one"));
        Assert.Equal("after the big one", await b.ReceiveTextAsync());
        await b.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task MessageOfExactlyTheLimit_IsRouted()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();
        var message = BroadcastOfTotalSize(Limit);
        Assert.Equal(Limit, Encoding.UTF8.GetByteCount(message));

        await a.SendTextAsync(message);

        Assert.Equal(new string('x', Limit - Encoding.UTF8.GetByteCount(SeedMessages.OnMessage(""))), await b.ReceiveTextAsync());
    }

    [Fact]
    public async Task MessageOfFourMebibytes_WithALimitAboveIt_IsRouted_OnTheRawSocketPath()
    {
        // Larger than the socket transport's default read buffer (1 MiB): a whole frame must still fit.
        const int Large = 4 * 1024 * 1024;
        await using var server = await GatewayServer.StartAsync(TestDefinitions.WithLimits(l => l with { MaxMessageBytes = Large + 1024, OutboundQueueBytes = 2 * Large }));
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync(SeedMessages.OnMessage(new string('x', Large)));

        Assert.Equal(Large, (await b.ReceiveTextAsync(TimeSpan.FromSeconds(30))).Length);
    }

    [Fact]
    public async Task MessageOneByteOverTheLimit_ClosesWith1009()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync(BroadcastOfTotalSize(Limit + 1));

        Assert.Equal(1009, await a.ReceiveCloseAsync());
        await b.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task ConfiguredSmallerLimit_IsEnforced()
    {
        await using var server = await GatewayServer.StartAsync(TestDefinitions.WithLimits(l => l with { MaxMessageBytes = 100 }));
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync(BroadcastOfTotalSize(100));
        Assert.Equal(new string('x', 100 - Encoding.UTF8.GetByteCount(SeedMessages.OnMessage(""))), await b.ReceiveTextAsync());

        await a.SendTextAsync(BroadcastOfTotalSize(101));
        Assert.Equal(1009, await a.ReceiveCloseAsync());
    }

    [Fact]
    public async Task MessageSentInSeveralFrames_IsRoutedAsOne()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        await SendFragmentAsync(a, Encoding.UTF8.GetBytes("{\"action\":\"onMe"), last: false);
        await SendFragmentAsync(a, Encoding.UTF8.GetBytes("ssage\",\"message\":\"frag"), last: false);
        await SendFragmentAsync(a, Encoding.UTF8.GetBytes(""), last: false);
        await SendFragmentAsync(a, Encoding.UTF8.GetBytes("mented\",\"key\":\"1234\"}"), last: true);

        Assert.Equal("fragmented", await b.ReceiveTextAsync());
        await b.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));
        await a.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Utf8CharacterSplitAcrossFrames_IsReassembled()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();
        var bytes = Encoding.UTF8.GetBytes(SeedMessages.OnMessageJson("\"caf\u00e9 \U0001F600\""));
        var split = Array.IndexOf(bytes, (byte)0xC3) + 1; // between the two bytes of é
        var split2 = Array.IndexOf(bytes, (byte)0xF0) + 2; // inside the four bytes of the emoji

        await SendFragmentAsync(a, bytes[..split], last: false);
        await SendFragmentAsync(a, bytes[split..split2], last: false);
        await SendFragmentAsync(a, bytes[split2..], last: true);

        Assert.Equal("caf\u00e9 \U0001F600", await b.ReceiveTextAsync());
    }

    [Fact]
    public async Task FramesEachUnderTheLimitButTogetherOver_CloseWith1009()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();
        var chunk = Encoding.UTF8.GetBytes(new string('x', 60 * 1024));

        await SendFragmentAsync(a, Encoding.UTF8.GetBytes("{\"action\":\"onMessage\",\"key\":\"1234\",\"message\":\""), last: false);
        await SendFragmentAsync(a, chunk, last: false);
        await SendFragmentAsync(a, chunk, last: false);
        try
        {
            await SendFragmentAsync(a, chunk, last: false);
            await SendFragmentAsync(a, Encoding.UTF8.GetBytes("\"}"), last: true);
        }
        catch (WebSocketException)
        {
            // The server may already have closed; the close frame is what matters.
        }

        Assert.Equal(1009, await a.ReceiveCloseAsync());
        await b.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task FrameClaimingAHugeLength_ClosesWith1009_WithoutWaitingForTheData()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var raw = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/dev");

        await raw.SendFrameAsync(RawFrame.Text, "{\"action\""u8.ToArray(), claimedLength: 1L << 40);

        Assert.Equal(1009, await raw.ReceiveCloseAsync());
    }

    [Theory]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0x7B, 0xFF, 0x7D })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { 0x61, 0xE2, 0x82 })]
    public async Task TextFrameThatIsNotValidUtf8_ClosesWith1007(byte[] payload)
    {
        await using var server = await GatewayServer.StartAsync();
        await using var b = await server.ConnectAsync();
        await using var raw = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/dev");

        await raw.SendFrameAsync(RawFrame.Text, payload);

        Assert.Equal(1007, await raw.ReceiveCloseAsync());
        await b.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task RawClient_ValidTextFrame_IsRoutedNormally()
    {
        // The hand-written client is right, so the 1007 above is about the payload alone.
        await using var server = await GatewayServer.StartAsync();
        await using var b = await server.ConnectAsync();
        await using var raw = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/dev");

        await raw.SendFrameAsync(RawFrame.Text, Encoding.UTF8.GetBytes(SeedMessages.OnMessage("raw")));

        Assert.Equal("raw", await b.ReceiveTextAsync());
        await raw.SendFrameAsync(RawFrame.Text, "hi"u8.ToArray());
        var frame = await raw.ReceiveFrameAsync();
        Assert.Equal(RawFrame.Text, frame.Opcode);
        SeedMessages.AssertErrorFrame(Encoding.UTF8.GetString(frame.Payload), "Forbidden");
    }
}
