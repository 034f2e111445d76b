using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Connections;

namespace Switchboard.Tests.Infrastructure;

/// <summary>Helpers for tests that move a server's <see cref="TestClock"/>: proving a connection open, finding it inside.</summary>
public static class ClockedConnections
{
    private static int _pings;

    /// <summary>
    /// Pings and waits for the matching pong, skipping other frames: the connection is open, and every frame the
    /// client sent before the ping has been read by the server (frames are read in order). Fails on a close.
    /// </summary>
    public static async Task AssertOpenAsync(this RawWebSocketClient client)
    {
        var payload = Encoding.ASCII.GetBytes("alive-" + Interlocked.Increment(ref _pings));
        await client.SendFrameAsync(RawFrame.Ping, payload);
        while (true)
        {
            var frame = await client.ReceiveFrameAsync();
            Assert.True(frame.Opcode != RawFrame.Close, $"the connection was closed with {frame.CloseCode}");
            if (frame.Opcode == RawFrame.Pong && frame.Payload.AsSpan().SequenceEqual(payload))
            {
                return;
            }
        }
    }

    /// <summary>The server's side of the one connection whose client sent <paramref name="userAgent"/>.</summary>
    internal static WebSocketConnection ServerSide(this GatewayServer server, string userAgent) =>
        server.Services.GetRequiredService<ConnectionTable>().Running.Single(c => c.UserAgent == userAgent);

    /// <summary>A raw client with a unique <c>User-Agent</c>, to find its server side with <see cref="ServerSide"/>.</summary>
    public static async Task<(RawWebSocketClient Client, string UserAgent)> ConnectRawAsync(this GatewayServer server, string path = "/dev")
    {
        var userAgent = "clocked/" + Guid.NewGuid().ToString("N");
        return (await RawWebSocketClient.ConnectAsync(server.BaseAddress, path, $"User-Agent: {userAgent}\r\n"), userAgent);
    }
}
