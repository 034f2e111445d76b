using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>
/// The connection caps (<c>limits.maxConnections</c>, <c>limits.maxConnectionsPerIp</c>) answer a handshake over them
/// with 429 and leave everyone else alone; <c>X-Forwarded-For</c> counts only from <c>limits.trustedProxies</c>.
/// </summary>
public sealed class ConnectionCapTests
{
    [Fact]
    public async Task OverMaxConnections_IsAnswered429_OthersKeepWorking_AndAClosedOneMakesRoom()
    {
        await using var server = await GatewayServer.StartAsync(TestDefinitions.WithLimits(l => l with { MaxConnections = 2 }));
        await using var first = await server.ConnectAsync();
        var second = await server.ConnectAsync();

        var (status, body) = await RawHandshakeAsync(server, "/dev");
        Assert.Equal(429, status);
        Assert.Contains("limits.maxConnections", JsonDocument.Parse(body).RootElement.GetProperty("message").GetString());

        // The two admitted connections are untouched.
        await first.SendTextAsync(SeedMessages.OnMessage("still here"));
        Assert.Equal("still here", await second.ReceiveTextAsync());

        await second.DisposeAsync();
        await Eventually.TrueAsync(async () => (await RawHandshakeAsync(server, "/dev")).Status == 101, what: "a place freed by the closed connection");
    }

    [Fact]
    public async Task OverMaxConnections_OnKestrelsUpgradePath_IsAnswered429Too()
    {
        await using var server = await GatewayServer.StartAsync(TestDefinitions.WithLimits(l => l with { MaxConnections = 1 }));
        await using var first = await server.ConnectAsync();

        // An escaped path is left to Kestrel's HTTP stack by the raw-socket fast path.
        var (status, body) = await RawHandshakeAsync(server, "/%64ev");

        Assert.Equal(429, status);
        Assert.Contains("limits.maxConnections", body);
    }

    [Fact]
    public async Task OverMaxConnectionsPerIp_RefusesThatAddressOnly()
    {
        await using var server = await GatewayServer.StartAsync(TestDefinitions.WithLimits(l => l with { MaxConnectionsPerIp = 1 }));
        await using var first = await server.ConnectAsync();

        var (status, body) = await RawHandshakeAsync(server, "/dev");
        Assert.Equal(429, status);
        Assert.Contains("limits.maxConnectionsPerIp", body);

        // Another loopback address is another client.
        await using var other = await ConnectFromAsync(server, IPAddress.Parse("127.0.0.2"));
        Assert.Equal(WebSocketState.Open, other.Socket.State);
    }

    [Fact]
    public async Task ForwardedFor_FromATrustedProxy_IsTheClientsAddress()
    {
        await using var server = await GatewayServer.StartAsync(TestDefinitions.WithLimits(l => l with { TrustedProxies = ["127.0.0.1"], MaxConnectionsPerIp = 1 }));
        var (status, _, client) = await RawHandshakeKeepingAsync(server, "/dev", "X-Forwarded-For: 198.51.100.1, 203.0.113.7\r\n");
        using var _ = client;
        Assert.Equal(101, status);

        var rows = await server.Registry.ListAsync(new Switchboard.Registry.ConnectionQuery());
        Assert.Equal("203.0.113.7", Assert.Single(rows).SourceIp);

        // The same forwarded client again is over its cap; a different one from the same proxy is not.
        Assert.Equal(429, (await RawHandshakeAsync(server, "/dev", "X-Forwarded-For: 203.0.113.7\r\n")).Status);
        var (otherStatus, _, other) = await RawHandshakeKeepingAsync(server, "/dev", "X-Forwarded-For: 203.0.113.8\r\n");
        using var __ = other;
        Assert.Equal(101, otherStatus);
    }

    [Fact]
    public async Task ForwardedFor_FromAnUntrustedPeer_IsIgnored()
    {
        await using var server = await GatewayServer.StartAsync(TestDefinitions.WithLimits(l => l with { TrustedProxies = ["10.0.0.0/8"] }));
        var (status, _, client) = await RawHandshakeKeepingAsync(server, "/dev", "X-Forwarded-For: 203.0.113.7\r\n");
        using var _ = client;
        Assert.Equal(101, status);

        var rows = await server.Registry.ListAsync(new Switchboard.Registry.ConnectionQuery());
        Assert.Equal("127.0.0.1", Assert.Single(rows).SourceIp);
    }

    /// <summary>A handshake over a raw socket; the status of the answer and its body. The socket is closed after.</summary>
    private static async Task<(int Status, string Body)> RawHandshakeAsync(GatewayServer server, string path, string extraHeaders = "")
    {
        var (status, body, tcp) = await RawHandshakeKeepingAsync(server, path, extraHeaders);
        tcp.Dispose();
        return (status, body);
    }

    /// <summary>A handshake over a raw socket, keeping the socket open (a 101 is a live connection).</summary>
    private static Task<(int Status, string Body, TcpClient Tcp)> RawHandshakeKeepingAsync(GatewayServer server, string path, string extraHeaders) =>
        RawHandshake.SendAsync(server.BaseAddress, path, $"Host: {server.BaseAddress.Authority}\r\n{extraHeaders}");

    /// <summary>A WebSocket whose TCP connection comes from <paramref name="local"/> (any 127.x.y.z is loopback on Linux).</summary>
    private static async Task<TestWebSocket> ConnectFromAsync(GatewayServer server, IPAddress local)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var client = new ClientWebSocket();
        client.Options.KeepAliveInterval = TimeSpan.Zero;
        await client.ConnectAsync(server.WebSocketUri(), new HttpMessageInvoker(handler), CancellationToken.None).WaitAsync(TestWebSocket.DefaultTimeout);
        return new TestWebSocket(client);
    }
}
