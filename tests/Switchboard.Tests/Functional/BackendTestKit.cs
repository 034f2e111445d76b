using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>Helpers the backend integration tests share.</summary>
internal static class BackendTestKit
{
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// Connects with a unique User-Agent and returns the client and the connection id from its CONNECT event
    /// (<paramref name="prefix"/><c>-connect</c> runs before the handshake completes, so it has arrived by then).
    /// </summary>
    public static async Task<(TestWebSocket Client, string Id)> ConnectAsync(GatewayServer server, BackendServer backend, string prefix)
    {
        var userAgent = "switchboard-tests/" + Guid.NewGuid().ToString("N");
        var client = await server.ConnectWithUserAgentAsync(BackendDefinitions.Stage, userAgent);
        var connect = backend.RequestsTo(prefix + "-connect").SingleOrDefault(r => UserAgentOf(r.Event) == userAgent);
        if (connect is null)
        {
            await client.DisposeAsync();
            Assert.Fail($"no CONNECT event for the connection just opened with User-Agent {userAgent}");
        }

        return (client, ConnectionIdOf(connect.Event));
    }

    public static string ConnectionIdOf(JsonElement evt) => evt.GetProperty("requestContext").GetProperty("connectionId").GetString()!;

    public static string? UserAgentOf(JsonElement evt) =>
        evt.GetProperty("requestContext").GetProperty("identity").TryGetProperty("userAgent", out var value) ? value.GetString() : null;

    /// <summary>Opens a WebSocket expecting the handshake to be refused; returns the HTTP status of the refusal.</summary>
    public static async Task<int> RefusedStatusAsync(GatewayServer server, string query = "", Action<ClientWebSocketOptions>? configure = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        socket.Options.CollectHttpResponseDetails = true;
        configure?.Invoke(socket.Options);
        var error = await Assert.ThrowsAsync<WebSocketException>(() =>
            socket.ConnectAsync(new Uri(server.WebSocketUri() + query), CancellationToken.None).WaitAsync(TestWebSocket.DefaultTimeout));
        Assert.True(socket.HttpStatusCode != 0, $"the handshake failed without an HTTP answer: {error.Message}");
        return (int)socket.HttpStatusCode;
    }

    /// <summary>The disconnect events for <paramref name="id"/> received so far.</summary>
    public static int DisconnectsOf(BackendServer backend, string target, string id) =>
        backend.RequestsTo(target).Count(r => ConnectionIdOf(r.Event) == id);

    /// <summary>Waits for <paramref name="id"/>'s DISCONNECT, then checks no second one follows within a short quiet window.</summary>
    public static async Task AssertDisconnectedOnceAsync(BackendServer backend, string target, string id)
    {
        await Eventually.TrueAsync(() => DisconnectsOf(backend, target, id) >= 1, what: $"the DISCONNECT of {id}");
        await Task.Delay(Quiet);
        Assert.Equal(1, DisconnectsOf(backend, target, id));
    }

}
