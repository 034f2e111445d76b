using System.Net;
using System.Net.Sockets;
using System.Text;
using Switchboard.Definition;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>
/// A backend cannot break the framing of what the client gets: from a <c>$connect</c> answer only valid, printable,
/// non-reserved headers reach the 101, and from a REST proxy result only such headers reach the HTTP answer.
/// </summary>
public sealed class BackendHeaderFilterTests
{
    private static readonly Dictionary<string, string> HostileHeaders = new()
    {
        ["X-Kept"] = "yes",
        ["X-Smuggled"] = "a\r\nSet-Cookie: stolen=1",
        ["X-Control"] = "a\u0001b",
        ["X-Latin"] = "caf\u00e9",
        ["Bad Name"] = "x",
        ["Connection"] = "close",
        ["Content-Length"] = "999",
        ["Transfer-Encoding"] = "chunked",
        ["Sec-WebSocket-Extensions"] = "permessage-deflate",
    };

    [Fact]
    public async Task ConnectAnswerHeaders_ReachThe101_OnlyWhenSafe()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("hdr-connect", BackendReply.Proxy(200, headers: HostileHeaders));
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.WebSocket(new Dictionary<string, RouteDefinition>
        {
            ["$connect"] = BackendDefinitions.Route(BackendDefinitions.Lambda(backend, "hdr-connect")),
        }));

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.BaseAddress.Port).WaitAsync(TestWebSocket.DefaultTimeout);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"GET /dev HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {RawHandshake.Key}\r\nSec-WebSocket-Version: 13\r\n\r\n"));
        var head = await ReadHeadAsync(stream);

        Assert.StartsWith("HTTP/1.1 101 ", head);
        Assert.Contains("\r\nX-Kept: yes\r\n", head);
        Assert.DoesNotContain("Set-Cookie", head);
        Assert.DoesNotContain("X-Smuggled", head);
        Assert.DoesNotContain("X-Control", head);
        Assert.DoesNotContain("X-Latin", head);
        Assert.DoesNotContain("Bad Name", head);
        Assert.DoesNotContain("permessage-deflate", head);
        Assert.DoesNotContain("Content-Length", head);
        Assert.DoesNotContain("Transfer-Encoding", head);
        Assert.Single(head.Split("\r\n"), line => line.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ProxyResultHeaders_ReachTheHttpAnswer_OnlyWhenSafe_AndTheBodyIsIntact()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("hdr-rest", BackendReply.Proxy(200, "the body", HostileHeaders));
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.Rest("/h", "GET", BackendDefinitions.Lambda(backend, "hdr-rest")));

        using var response = await server.Http.GetAsync("/dev/h");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("the body", await response.Content.ReadAsStringAsync());
        Assert.Equal("yes", Assert.Single(response.Headers.GetValues("X-Kept")));
        Assert.False(response.Headers.Contains("X-Smuggled"));
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.False(response.Headers.Contains("X-Control"));
        Assert.Equal(8, response.Content.Headers.ContentLength);
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TestWebSocket.DefaultTimeout);
            Assert.True(read > 0, $"closed after: {received}");
            received.Append(Encoding.Latin1.GetString(buffer, 0, read));
        }

        var text = received.ToString();
        return text[..(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 2)];
    }
}
