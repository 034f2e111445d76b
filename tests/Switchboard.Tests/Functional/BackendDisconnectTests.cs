using System.Net;
using System.Net.WebSockets;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary><c>$disconnect</c> is called exactly once per connection, whoever closes it (docs/integrations.md).</summary>
public sealed class BackendDisconnectTests
{
    [Fact]
    public async Task ClientClose_CallsDisconnectOnce()
    {
        await using var backend = await BackendServer.StartAsync();
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.LambdaLifecycle(backend, "clientclose"));
        var (client, id) = await BackendTestKit.ConnectAsync(server, backend, "clientclose");
        await using var _ = client;

        await client.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WaitAsync(TestWebSocket.DefaultTimeout);

        await BackendTestKit.AssertDisconnectedOnceAsync(backend, "clientclose-disconnect", id);
    }

    [Fact]
    public async Task ManagementDelete_CallsDisconnectOnce()
    {
        await using var backend = await BackendServer.StartAsync();
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.LambdaLifecycle(backend, "deleted"));
        var (client, id) = await BackendTestKit.ConnectAsync(server, backend, "deleted");
        await using var _ = client;

        using (var response = await server.SendAsync(HttpMethod.Delete, $"/dev/@connections/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        await client.ReceiveCloseAndAnswerAsync();
        await BackendTestKit.AssertDisconnectedOnceAsync(backend, "deleted-disconnect", id);
    }

    [Fact]
    public async Task IdleTimeout_CallsDisconnectOnce_With1001()
    {
        await using var backend = await BackendServer.StartAsync();
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.LambdaLifecycle(
            backend, "idle", limits: l => l with { IdleTimeoutSeconds = 1 }));
        var (client, id) = await BackendTestKit.ConnectAsync(server, backend, "idle");
        await using var _ = client;

        Assert.Equal(1001, await client.ReceiveCloseAndAnswerAsync(TimeSpan.FromSeconds(20)));

        await BackendTestKit.AssertDisconnectedOnceAsync(backend, "idle-disconnect", id);
        var context = (await backend.WaitForSingleAsync("idle-disconnect")).Event.GetProperty("requestContext");
        Assert.Equal(1001, context.GetProperty("disconnectStatusCode").GetInt32());
    }

    [Fact]
    public async Task ServerShutdown_CallsDisconnectOnce_BeforeDisposeReturns()
    {
        await using var backend = await BackendServer.StartAsync();
        var server = await GatewayServer.StartAsync(BackendDefinitions.LambdaLifecycle(backend, "shutdown"));
        TestWebSocket? client = null;
        try
        {
            (client, var id) = await BackendTestKit.ConnectAsync(server, backend, "shutdown");
            var answering = client.ReceiveCloseAndAnswerAsync(TimeSpan.FromSeconds(30));

            await server.DisposeAsync();
            server = null;

            // No waiting: the call had to be made before the server finished stopping.
            Assert.Equal(1, BackendTestKit.DisconnectsOf(backend, "shutdown-disconnect", id));
            Assert.Equal(1001, await answering);
            await Task.Delay(BackendTestKit.Quiet);
            Assert.Equal(1, BackendTestKit.DisconnectsOf(backend, "shutdown-disconnect", id));
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }

            if (client is not null)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ServerShutdown_WaitsForQueuedMessages_ThenDisconnects()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("drain-default", BackendReply.Proxy(200).After(TimeSpan.FromMilliseconds(200)));
        var server = await GatewayServer.StartAsync(BackendDefinitions.LambdaLifecycle(backend, "drain"));
        TestWebSocket? client = null;
        try
        {
            (client, var id) = await BackendTestKit.ConnectAsync(server, backend, "drain");
            await client.SendTextAsync("one");
            await client.SendTextAsync("two");
            await backend.WaitForRequestsAsync(1, target: "drain-default");

            // Both received by the gateway (the second waits in the connection's queue) before the stop: data frames
            // still unread when a close begins are dropped, as RFC 6455 allows, and that is not what this test is about.
            var server0 = server;
            await Eventually.TrueAsync(
                async () => (await server0.MetricsAsync())["switchboard_messages_received_total"] >= 2,
                what: "both messages received by the gateway");
            var answering = client.ReceiveCloseAndAnswerAsync(TimeSpan.FromSeconds(30));

            await server.DisposeAsync();
            server = null;

            Assert.Equal(1, BackendTestKit.DisconnectsOf(backend, "drain-disconnect", id));
            var order = backend.Requests.Where(r => r.Target is "drain-default" or "drain-disconnect").Select(r => r.Target).ToList();
            Assert.Equal(["drain-default", "drain-default", "drain-disconnect"], order);
            await answering;
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }

            if (client is not null)
            {
                await client.DisposeAsync();
            }
        }
    }
}
