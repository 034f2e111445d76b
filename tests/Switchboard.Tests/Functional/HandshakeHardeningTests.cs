using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>
/// Hostile or broken handshake heads: a head that never finishes is closed at <c>limits.handshakeTimeoutSeconds</c>
/// (on a clock the test moves),
/// broken header bytes get 400 on both handshake paths, a flood of bare CRs is refused, and a long User-Agent is cut.
/// </summary>
public sealed class HandshakeHardeningTests
{
    [Fact]
    public async Task HeadThatNeverFinishes_IsClosedAtTheHandshakeTimeout()
    {
        await using var server = await GatewayServer.StartAsync(time: new TestClock());
        using var tcp = await OpenAsync(server);
        var stream = tcp.GetStream();
        await stream.WriteAsync("GET /dev HTTP/1.1\r\nHost: x\r\n"u8.ToArray());

        Assert.True(await ClosedAsTheClockMovesAsync(server, stream), "the server kept a head that never finished open");
    }

    [Fact]
    public async Task SilentClient_IsClosedAtTheHandshakeTimeout()
    {
        await using var server = await GatewayServer.StartAsync(time: new TestClock());
        using var tcp = await OpenAsync(server);

        Assert.True(await ClosedAsTheClockMovesAsync(server, tcp.GetStream()), "a silent client was kept open");
    }

    /// <summary>
    /// Moves the server's clock past the 10-second handshake timeout (again, in case the connection's timer began
    /// after the first move) until the server closes the connection; false when it stays open. Kestrel's own
    /// request-head timeout runs on real time (10 s) and cannot be what closes it this soon.
    /// </summary>
    private static async Task<bool> ClosedAsTheClockMovesAsync(GatewayServer server, NetworkStream stream)
    {
        var read = ReadUntilClosedAsync(stream, TimeSpan.FromSeconds(8));
        for (var i = 0; i < 20 && !read.IsCompleted; i++)
        {
            server.Clock!.Advance(TimeSpan.FromSeconds(10));
            await Task.WhenAny(read, Task.Delay(100));
        }

        return await read;
    }

    [Theory]
    [InlineData("/dev", "X-Bad: a\u0001b\r\n", "control character")]
    [InlineData("/dev", "X-Bad: a\u007fb\r\n", "control character")]
    [InlineData("/dev", "X-Bad: a\rb\r\n", "")]
    [InlineData("/%64ev", "X-Bad: a\u0001b\r\n", "")]
    [InlineData("/dev", "Bad Name: x\r\n", "")]
    [InlineData("/dev", "(bad): x\r\n", "")]
    public async Task BrokenHeaderBytes_Get400(string path, string extraHeader, string messagePart)
    {
        await using var server = await GatewayServer.StartAsync();

        var (status, body) = await HandshakeAsync(server, path, $"Host: {server.BaseAddress.Authority}\r\n{extraHeader}");

        Assert.Equal(400, status);
        if (messagePart.Length > 0)
        {
            // The answer is chunked: the JSON is the part between the braces.
            var json = body[body.IndexOf('{', StringComparison.Ordinal)..(body.LastIndexOf('}') + 1)];
            Assert.Contains(messagePart, JsonDocument.Parse(json).RootElement.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task MissingHost_Gets400()
    {
        await using var server = await GatewayServer.StartAsync();

        var (status, _) = await HandshakeAsync(server, "/dev", "");

        Assert.Equal(400, status);
    }

    [Fact]
    public async Task FloodOfBareCarriageReturns_IsRefused_AndTheServerStillServes()
    {
        await using var server = await GatewayServer.StartAsync();
        using (var tcp = await OpenAsync(server))
        {
            var stream = tcp.GetStream();
            await stream.WriteAsync("GET /dev HTTP/1.1\r\nHost: x\r\nX-Flood: "u8.ToArray());
            var flood = Enumerable.Repeat((byte)'\r', 512).ToArray();
            try
            {
                for (var i = 0; i < 64; i++)
                {
                    await stream.WriteAsync(flood);
                }
            }
            catch (IOException)
            {
                // Refused and closed while still sending: what is wanted.
            }

            Assert.True(await ReadUntilClosedAsync(stream, TimeSpan.FromSeconds(15)), "the flood was not refused");
        }

        await using var client = await server.ConnectAsync();
        await client.SendTextAsync("{\"action\":\"nothing-here\"}");
        SeedMessages.AssertErrorFrame(await client.ReceiveTextAsync(), "Forbidden");
    }

    [Fact]
    public async Task LongUserAgent_IsKeptToItsFirst512Characters()
    {
        await using var server = await GatewayServer.StartAsync();
        var agent = new string('u', 2000);

        var (status, _, tcp) = await HandshakeKeepingAsync(server, "/dev", $"Host: {server.BaseAddress.Authority}\r\nUser-Agent: {agent}\r\n");
        using var _ = tcp;

        Assert.Equal(101, status);
        var row = Assert.Single(await server.Registry.ListAsync(new Switchboard.Registry.ConnectionQuery()));
        Assert.Equal(agent[..512], row.UserAgent);
    }

    private static async Task<TcpClient> OpenAsync(GatewayServer server)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.BaseAddress.Port).WaitAsync(TestWebSocket.DefaultTimeout);
        return tcp;
    }

    private static async Task<(int Status, string Body)> HandshakeAsync(GatewayServer server, string path, string headers)
    {
        var (status, body, tcp) = await RawHandshake.SendAsync(server.BaseAddress, path, headers);
        tcp.Dispose();
        return (status, body);
    }

    private static Task<(int Status, string Body, TcpClient Tcp)> HandshakeKeepingAsync(GatewayServer server, string path, string headers) =>
        RawHandshake.SendAsync(server.BaseAddress, path, headers);

    /// <summary>Reads (and drops) until the server closes; false when it is still open after <paramref name="within"/>.</summary>
    private static async Task<bool> ReadUntilClosedAsync(NetworkStream stream, TimeSpan within)
    {
        var buffer = new byte[4096];
        using var deadline = new CancellationTokenSource(within);
        try
        {
            while (await stream.ReadAsync(buffer, deadline.Token) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
