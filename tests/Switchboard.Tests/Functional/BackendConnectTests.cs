using System.Net;
using System.Text;
using Switchboard.Definition;
using Switchboard.Registry;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>What a <c>lambda</c> <c>$connect</c>'s answer does to the handshake (docs/integrations.md).</summary>
public sealed class BackendConnectTests
{
    [Fact]
    public async Task ConnectRefusedWith401_LeavesNoRegistryRowOrConnection_AndNoDisconnectCall()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("refuse-connect", r => Task.FromResult(
            r.Event.TryGetProperty("queryStringParameters", out _) ? BackendReply.Proxy(401) : BackendReply.Proxy(200)));
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.LambdaLifecycle(backend, "refuse"));

        Assert.Equal(401, await BackendTestKit.RefusedStatusAsync(server, "?reject=1"));

        var refusedId = BackendTestKit.ConnectionIdOf((await backend.WaitForSingleAsync("refuse-connect")).Event);
        Assert.Empty(await server.Registry.ListAsync(new ConnectionQuery()).AsTask().WaitAsync(TestWebSocket.DefaultTimeout));
        using (var gone = await server.SendAsync(HttpMethod.Get, $"/dev/@connections/{refusedId}"))
        {
            Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        }

        // A connection that is accepted and closed afterwards: its DISCONNECT is the only one.
        var (accepted, acceptedId) = await BackendTestKit.ConnectAsync(server, backend, "refuse");
        await accepted.DisposeAsync();
        await backend.WaitForSingleAsync("refuse-disconnect");
        Assert.Equal(acceptedId, BackendTestKit.ConnectionIdOf(Assert.Single(backend.RequestsTo("refuse-disconnect")).Event));
    }

    [Fact]
    public async Task ConnectFunctionError_RefusesWith502()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("fails-connect", BackendReply.FunctionError());
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.LambdaLifecycle(backend, "fails"));

        Assert.Equal(502, await BackendTestKit.RefusedStatusAsync(server));
        Assert.Empty(await server.Registry.ListAsync(new ConnectionQuery()).AsTask().WaitAsync(TestWebSocket.DefaultTimeout));
    }

    [Fact]
    public async Task ConnectBackendNotListening_RefusesWith502()
    {
        var definition = BackendDefinitions.WebSocket(new Dictionary<string, RouteDefinition>
        {
            ["$connect"] = BackendDefinitions.Route(BackendDefinitions.LambdaAt(BackendServer.ClosedEndpoint(), "nobody")),
        });
        await using var server = await GatewayServer.StartAsync(definition);

        Assert.Equal(502, await BackendTestKit.RefusedStatusAsync(server));
    }

    [Fact]
    public async Task ConnectTimeout_RefusesWith504()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("slow-connect", BackendReply.Proxy(200).After(TimeSpan.FromSeconds(2)));
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.LambdaLifecycle(backend, "slow", timeoutMilliseconds: 300));

        Assert.Equal(504, await BackendTestKit.RefusedStatusAsync(server));
    }

    [Theory]
    [InlineData(403)]
    [InlineData(400)]
    [InlineData(500)]
    public async Task ConnectAnsweringAnotherStatus_RefusesWithThatStatus(int status)
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle($"status{status}-connect", BackendReply.Proxy(status));
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.LambdaLifecycle(backend, $"status{status}"));

        Assert.Equal(status, await BackendTestKit.RefusedStatusAsync(server));
    }

    [Fact]
    public async Task ConnectAnsweringAStringStatusCode_IsRefusedWithThatStatus()
    {
        // {"statusCode": "401"} is a 401 on AWS, which reads string status codes (localstack/localstack pull request 11199).
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("stringcode-connect", BackendReply.Json("{\"statusCode\":\"401\"}"));
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.LambdaLifecycle(backend, "stringcode"));

        Assert.Equal(401, await BackendTestKit.RefusedStatusAsync(server));
    }

    [Fact]
    public async Task ConnectAnsweringNull_Accepts()
    {
        // A function that returns nothing: the Invoke API answers 200 "null", which API Gateway takes as a 200.
        await using var backend = await BackendServer.StartAsync();
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.LambdaLifecycle(backend, "nothing"));

        var (client, id) = await BackendTestKit.ConnectAsync(server, backend, "nothing");
        await using var _ = client;

        using var known = await server.SendAsync(HttpMethod.Get, $"/dev/@connections/{id}");
        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
    }

    [Fact]
    public async Task ConnectAnsweringASubprotocol_PutsItOnThe101()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("proto-connect", r =>
        {
            var offered = r.Event.GetProperty("headers").GetProperty("Sec-WebSocket-Protocol").GetString()!;
            return Task.FromResult(offered.Split(',', StringSplitOptions.TrimEntries).Contains("myprotocol")
                ? BackendReply.Proxy(200, headers: new Dictionary<string, string> { ["Sec-WebSocket-Protocol"] = "myprotocol" })
                : BackendReply.Proxy(400));
        });
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.LambdaLifecycle(backend, "proto"));
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        socket.Options.AddSubProtocol("chat1");
        socket.Options.AddSubProtocol("myprotocol");

        await socket.ConnectAsync(server.WebSocketUri(), CancellationToken.None).WaitAsync(TestWebSocket.DefaultTimeout);

        Assert.Equal("myprotocol", socket.SubProtocol);
        Assert.Equal("chat1, myprotocol", (await backend.WaitForSingleAsync("proto-connect")).Event.GetProperty("headers").GetProperty("Sec-WebSocket-Protocol").GetString());
        await using var client = new TestWebSocket(socket);
    }

    [Fact]
    public async Task PostToTheConnectingConnection_FromConnect_Gets410_ThenWorksOnceConnected()
    {
        await using var backend = await BackendServer.StartAsync();
        using var http = new HttpClient(new ManagementSigning.Handler(ManagementSigning.Credentials())) { Timeout = TestWebSocket.DefaultTimeout };
        var postStatus = new TaskCompletionSource<HttpStatusCode>(TaskCreationOptions.RunContinuationsAsynchronously);
        GatewayServer? gateway = null;
        backend.Handle("early-connect", async r =>
        {
            var id = BackendTestKit.ConnectionIdOf(r.Event);
            using var response = await http.PostAsync(new Uri(gateway!.BaseAddress, $"/dev/@connections/{id}"), new StringContent("too early"));
            postStatus.TrySetResult(response.StatusCode);
            return BackendReply.Proxy(200);
        });
        await using var server = gateway = await GatewayServer.StartAsync(BackendDefinitions.LambdaLifecycle(backend, "early"));

        var (client, connectionId) = await BackendTestKit.ConnectAsync(server, backend, "early");
        await using var _ = client;

        Assert.Equal(HttpStatusCode.Gone, await postStatus.Task.WaitAsync(TestWebSocket.DefaultTimeout));
        using var later = await server.SendAsync(HttpMethod.Post, $"/dev/@connections/{connectionId}", body: Encoding.UTF8.GetBytes("on time"));
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.Equal("on time", await client.ReceiveTextAsync());
    }
}
