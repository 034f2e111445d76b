using Switchboard.Definition;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>The <c>http</c> type: the same events POSTed to a plain web service (docs/integrations.md).</summary>
public sealed class BackendHttpTests
{
    private static GatewayDefinition HttpRoutes(BackendServer backend, string prefix) =>
        BackendDefinitions.WebSocket(new Dictionary<string, RouteDefinition>
        {
            ["$connect"] = BackendDefinitions.Route(BackendDefinitions.Http(backend, $"/{prefix}/connect")),
            ["$disconnect"] = BackendDefinitions.Route(BackendDefinitions.Http(backend, $"/{prefix}/disconnect")),
            ["$default"] = BackendDefinitions.Route(BackendDefinitions.Http(backend, $"/{prefix}/message"), twoWay: true),
        });

    [Fact]
    public async Task HttpRoutes_GetTheSameEvents_PostedToTheirUri()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("/plain/message", r => Task.FromResult(BackendReply.Proxy(200, "got " + r.Event.GetProperty("body").GetString())));
        await using var server = await GatewayServer.StartAsync(HttpRoutes(backend, "plain"));
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("hello");
        Assert.Equal("got hello", await client.ReceiveTextAsync());
        await client.Socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).WaitAsync(TestWebSocket.DefaultTimeout);

        var connect = await backend.WaitForSingleAsync("/plain/connect");
        var message = await backend.WaitForSingleAsync("/plain/message");
        var disconnect = await backend.WaitForSingleAsync("/plain/disconnect");
        Assert.All([connect, message, disconnect], r =>
        {
            Assert.Equal("POST", r.Method);
            Assert.StartsWith("application/json", r.Headers["Content-Type"], StringComparison.Ordinal);
            Assert.False(r.Headers.ContainsKey("X-Amz-Invocation-Type"));
        });
        Assert.Equal(["CONNECT", "MESSAGE", "DISCONNECT"], new[] { connect, message, disconnect }.Select(r => r.Event.GetProperty("requestContext").GetProperty("eventType").GetString()));
        Assert.Single(new[] { connect, message, disconnect }.Select(r => BackendTestKit.ConnectionIdOf(r.Event)).Distinct());
        Assert.Equal("hello", message.Event.GetProperty("body").GetString());
        BackendEventShape.AssertSame(
            BackendEventShape.Of(BackendEventShape.Fixture("apigw-message-2024.json")).Where(p => !p.Key.EndsWith(".userAgent", StringComparison.Ordinal)).ToDictionary(),
            BackendEventShape.Of(message.Event),
            "the http MESSAGE event");
    }

    [Theory]
    [InlineData(500)]
    [InlineData(404)]
    [InlineData(302)]
    public async Task HttpBackendAnsweringNon2xx_SendsInternalServerError(int status)
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("/broken/message", BackendReply.Raw(status, "{\"statusCode\":200,\"body\":\"hidden\"}", "application/json"));
        await using var server = await GatewayServer.StartAsync(HttpRoutes(backend, "broken"));
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("x");

        SeedMessages.AssertErrorFrame(await client.ReceiveTextAsync(), "Internal server error");
    }

    [Fact]
    public async Task HttpBackendNotListening_SendsInternalServerError()
    {
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.WebSocket(new Dictionary<string, RouteDefinition>
        {
            ["$default"] = BackendDefinitions.Route(new IntegrationDefinition { Type = "http", Uri = BackendServer.ClosedEndpoint() + "/events" }),
        }));
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("x");

        SeedMessages.AssertErrorFrame(await client.ReceiveTextAsync(), "Internal server error");
    }

    [Fact]
    public async Task HttpConnectAnswering403_RefusesTheHandshake()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("/denied/connect", BackendReply.Proxy(403));
        await using var server = await GatewayServer.StartAsync(HttpRoutes(backend, "denied"));

        Assert.Equal(403, await BackendTestKit.RefusedStatusAsync(server));
    }
}
