using System.Net.WebSockets;
using System.Text;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>
/// RFC 6455 as clients rely on it: pings, the close handshake, and 1002 for frames that break the protocol. Written
/// with the hand-made client, since <see cref="ClientWebSocket"/> never sends a broken frame.
/// </summary>
public sealed class WebSocketProtocolTests
{
    [Fact]
    public async Task ClientPing_GetsAPongWithTheSamePayload()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var raw = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/dev");

        await raw.SendFrameAsync(RawFrame.Ping, "are you there"u8.ToArray());

        var pong = await raw.ReceiveFrameAsync();
        Assert.Equal(RawFrame.Pong, pong.Opcode);
        Assert.Equal("are you there", Encoding.UTF8.GetString(pong.Payload));
    }

    [Fact]
    public async Task PingBetweenTheFramesOfAMessage_IsAnswered_AndTheMessageStillRoutes()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var b = await server.ConnectAsync();
        await using var raw = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/dev");
        var message = Encoding.UTF8.GetBytes(SeedMessages.OnMessage("around a ping"));

        await raw.SendFrameAsync(RawFrame.Text, message[..10], fin: false);
        await raw.SendFrameAsync(RawFrame.Ping, "p"u8.ToArray());
        await raw.SendFrameAsync(RawFrame.Continuation, message[10..], fin: true);

        var pong = await raw.ReceiveFrameAsync();
        Assert.Equal(RawFrame.Pong, pong.Opcode);
        Assert.Equal("around a ping", await b.ReceiveTextAsync());
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(1001)]
    [InlineData(4000)]
    public async Task ClientClose_IsAnsweredWithTheSameCode(int code)
    {
        await using var server = await GatewayServer.StartAsync();
        await using var raw = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/dev");

        await raw.SendFrameAsync(RawFrame.Close, RawWebSocketClient.ClosePayload(code, "bye"));

        Assert.Equal(code, await raw.ReceiveCloseAsync());
        Assert.True(await raw.WaitForTcpCloseAsync(TimeSpan.FromSeconds(15)), "the server kept the TCP connection open after the close handshake");
    }

    [Fact]
    public async Task ClientWebSocketClose_CompletesTheHandshake()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var client = await server.ConnectAsync();

        await client.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).WaitAsync(TestWebSocket.DefaultTimeout);

        Assert.Equal(WebSocketState.Closed, client.Socket.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.Socket.CloseStatus);
    }

    public static TheoryData<string> Violations => new()
    {
        "unmasked",
        "rsv1",
        "opcode3",
        "opcodeB",
        "fragmentedPing",
        "longPing",
        "continuationFirst",
        "textInsideAMessage",
        "closeCode1005",
        "closeCode999",
        "closeOneByte",
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task FrameThatBreaksTheProtocol_ClosesWith1002(string violation)
    {
        await using var server = await GatewayServer.StartAsync();
        await using var b = await server.ConnectAsync();
        await using var raw = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/dev");
        var hi = "hi"u8.ToArray();

        switch (violation)
        {
            case "unmasked":
                await raw.SendFrameAsync(RawFrame.Text, hi, masked: false);
                break;
            case "rsv1":
                await raw.SendFrameAsync(RawFrame.Text, hi, rsv: 4);
                break;
            case "opcode3":
                await raw.SendFrameAsync(0x3, hi);
                break;
            case "opcodeB":
                await raw.SendFrameAsync(0xB, hi);
                break;
            case "fragmentedPing":
                await raw.SendFrameAsync(RawFrame.Ping, hi, fin: false);
                break;
            case "longPing":
                await raw.SendFrameAsync(RawFrame.Ping, new byte[126]);
                break;
            case "continuationFirst":
                await raw.SendFrameAsync(RawFrame.Continuation, hi);
                break;
            case "textInsideAMessage":
                await raw.SendFrameAsync(RawFrame.Text, "{\"action\":"u8.ToArray(), fin: false);
                await raw.SendFrameAsync(RawFrame.Text, hi);
                break;
            case "closeCode1005":
                await raw.SendFrameAsync(RawFrame.Close, RawWebSocketClient.ClosePayload(1005));
                break;
            case "closeCode999":
                await raw.SendFrameAsync(RawFrame.Close, RawWebSocketClient.ClosePayload(999));
                break;
            case "closeOneByte":
                await raw.SendFrameAsync(RawFrame.Close, new byte[] { 0x03 });
                break;
        }

        Assert.Equal(1002, await raw.ReceiveCloseAsync());
        await b.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task HandshakeWithAQueryString_Connects()
    {
        await using var server = await GatewayServer.StartAsync();
        using var socket = new ClientWebSocket();

        await socket.ConnectAsync(new Uri(server.WebSocketUri("dev") + "?token=abc&x=1"), CancellationToken.None).WaitAsync(TestWebSocket.DefaultTimeout);

        Assert.Equal(WebSocketState.Open, socket.State);
        Assert.Single(await server.Registry.ListAsync(new Switchboard.Registry.ConnectionQuery(Stage: "dev")));
    }

    [Fact]
    public async Task HandshakeWithAnUnsupportedVersion_Gets426NamingVersion13()
    {
        await using var server = await GatewayServer.StartAsync();

        var head = await RawWebSocketClient.HandshakeResponseAsync(server.BaseAddress,
            $"GET /dev HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 426", head, StringComparison.Ordinal);
        Assert.Contains("\r\nSec-WebSocket-Version: 13\r\n", head, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task HandshakeWithoutAKey_Gets400_AndNoConnection()
    {
        await using var server = await GatewayServer.StartAsync();

        var head = await RawWebSocketClient.HandshakeResponseAsync(server.BaseAddress,
            $"GET /dev HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Version: 13\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400", head, StringComparison.Ordinal);
        Assert.Empty(await server.Registry.ListAsync(new Switchboard.Registry.ConnectionQuery()));
    }

    [Fact]
    public async Task Handshake_AnswersTheRfcAcceptKey()
    {
        await using var server = await GatewayServer.StartAsync();

        // The sample nonce and accept value of RFC 6455 section 1.3.
        var head = await RawWebSocketClient.HandshakeResponseAsync(server.BaseAddress,
            $"GET /dev HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 101", head, StringComparison.Ordinal);
        Assert.Contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n", head, StringComparison.OrdinalIgnoreCase);
    }
}
