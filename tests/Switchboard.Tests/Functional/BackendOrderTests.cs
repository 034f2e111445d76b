using System.Net.WebSockets;
using System.Text;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>
/// One invoke at a time per connection, in arrival order; a slow function delays only its own connection; a full inbound
/// queue pushes back on the client instead of growing or dropping (docs/integrations.md, limits.inboundQueueMessages).
/// </summary>
public sealed class BackendOrderTests
{
    [Fact]
    public async Task MessagesOfOneConnection_ReachTheBackendInOrder_OneAtATime()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("ordered-default", BackendReply.Proxy(200).After(TimeSpan.FromMilliseconds(50)));
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.LambdaLifecycle(backend, "ordered"));
        await using var client = await server.ConnectAsync();

        for (var i = 0; i < 20; i++)
        {
            await client.SendTextAsync($"m{i}");
        }

        var requests = await backend.WaitForRequestsAsync(20, TimeSpan.FromSeconds(30), "ordered-default");
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"m{i}"), requests.Select(r => r.Event.GetProperty("body").GetString()));
        Assert.Equal(1, backend.MaxInFlight("ordered-default"));
        for (var i = 1; i < requests.Count; i++)
        {
            Assert.True(requests[i - 1].AnsweredAt is { } answered && answered <= requests[i].ArrivedAt, $"message {i} arrived before message {i - 1} was answered");
        }
    }

    [Fact]
    public async Task SlowConnection_DoesNotDelayAnotherConnectionsMessages()
    {
        await using var backend = await BackendServer.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        backend.Handle("shared-default", async r =>
        {
            var body = r.Event.GetProperty("body").GetString()!;
            if (body.StartsWith("slow", StringComparison.Ordinal))
            {
                await release.Task;
            }

            return BackendReply.Proxy(200, "done " + body);
        });
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.LambdaLifecycle(backend, "shared", twoWayDefault: true));
        await using var slow = await server.ConnectAsync();
        await using var fast = await server.ConnectAsync();

        try
        {
            await slow.SendTextAsync("slow 1");
            await slow.SendTextAsync("slow 2");
            await backend.WaitForRequestsAsync(1, target: "shared-default");
            await fast.SendTextAsync("fast 1");
            await fast.SendTextAsync("fast 2");

            // Both of the fast connection's answers come while the slow one's first call is still held.
            Assert.Equal("done fast 1", await fast.ReceiveTextAsync());
            Assert.Equal("done fast 2", await fast.ReceiveTextAsync());
            Assert.DoesNotContain(backend.RequestsTo("shared-default"), r => r.Event.GetProperty("body").GetString() == "slow 2");
        }
        finally
        {
            release.TrySetResult();
        }

        Assert.Equal("done slow 1", await slow.ReceiveTextAsync());
        Assert.Equal("done slow 2", await slow.ReceiveTextAsync());
    }

    [Fact]
    public async Task PingAndCloseWhileTheBackendIsBusy_AreHonoured_AndDisconnectFollowsTheQueuedMessagesOnce()
    {
        await using var backend = await BackendServer.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        backend.Handle("busy-default", async _ =>
        {
            await release.Task;
            return BackendReply.Proxy(200);
        });
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.LambdaLifecycle(backend, "busy"));
        await using var client = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/dev");
        var id = BackendTestKit.ConnectionIdOf((await backend.WaitForSingleAsync("busy-connect")).Event);

        try
        {
            for (var i = 0; i < 3; i++)
            {
                await client.SendFrameAsync(RawFrame.Text, Encoding.UTF8.GetBytes($"q{i}"));
            }

            await backend.WaitForRequestsAsync(1, target: "busy-default");
            await client.SendFrameAsync(RawFrame.Ping, "are you there"u8.ToArray());
            var pong = await client.ReceiveFrameAsync();
            Assert.Equal(RawFrame.Pong, pong.Opcode);
            Assert.Equal("are you there", Encoding.UTF8.GetString(pong.Payload));

            await client.SendFrameAsync(RawFrame.Close, RawWebSocketClient.ClosePayload(1000, "done"));
            Assert.Equal(1000, await client.ReceiveCloseAsync());
            Assert.Empty(backend.RequestsTo("busy-disconnect"));
        }
        finally
        {
            release.TrySetResult();
        }

        await BackendTestKit.AssertDisconnectedOnceAsync(backend, "busy-disconnect", id);
        var all = backend.Requests.Where(r => r.Target is "busy-default" or "busy-disconnect").ToList();
        Assert.Equal(["q0", "q1", "q2", null], all.Select(r => r.Event.TryGetProperty("body", out var b) ? b.GetString() : null));
    }

    [Fact]
    public async Task FullInboundQueue_StopsReadingTheSocket_AndLosesNothing()
    {
        const int count = 300;
        await using var backend = await BackendServer.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        backend.Handle("pressed-default", async _ =>
        {
            await release.Task;
            return BackendReply.Proxy(200);
        });
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.LambdaLifecycle(
            backend, "pressed", limits: l => l with { InboundQueueMessages = 2 }));
        await using var client = await server.ConnectAsync();
        var padding = new string('p', 100_000);
        var sent = 0;
        using var stop = new CancellationTokenSource();
        var sending = Task.Run(async () =>
        {
            for (var i = 0; i < count; i++)
            {
                await client.Socket.SendAsync(Encoding.UTF8.GetBytes($"{i:D4} {padding}"), WebSocketMessageType.Text, true, stop.Token);
                Interlocked.Increment(ref sent);
            }
        });

        try
        {
            await backend.WaitForRequestsAsync(1, target: "pressed-default");

            // 300 messages of 100 KB are 30 MB, far more than the kernel's socket buffers hold: the sender stalls
            // only if the gateway stops reading.
            await Eventually.TrueAsync(
                async () =>
                {
                    var before = Volatile.Read(ref sent);
                    await Task.Delay(500);
                    return Volatile.Read(ref sent) == before && before < count;
                },
                TimeSpan.FromSeconds(20),
                "the client's sends stalling while the backend is blocked");
            Assert.Single(backend.RequestsTo("pressed-default"));
            Assert.Equal(1, backend.MaxInFlight("pressed-default"));
        }
        finally
        {
            release.TrySetResult();
        }

        await sending.WaitAsync(TimeSpan.FromSeconds(60));
        var requests = await backend.WaitForRequestsAsync(count, TimeSpan.FromSeconds(60), "pressed-default");
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"{i:D4}"), requests.Select(r => r.Event.GetProperty("body").GetString()![..4]));
        Assert.Equal(1, backend.MaxInFlight("pressed-default"));
    }
}
