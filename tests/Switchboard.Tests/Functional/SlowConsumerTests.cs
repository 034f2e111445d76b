using System.Diagnostics;
using System.Net;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>
/// A client that stops reading (the README): its bounded queue fills, it alone is closed with 1008, and
/// everybody else keeps getting every message, in order, without waiting for it.
/// </summary>
public sealed class SlowConsumerTests
{
    [Fact]
    public async Task ClientThatNeverReads_IsClosedWith1008_WhileTheOthersGetEveryMessageInOrder()
    {
        var definition = TestDefinitions.WithLimits(l => l with { OutboundQueueMessages = 64, OutboundQueueBytes = 64 * 1024 });
        await using var server = await GatewayServer.StartAsync(definition);
        var (slow, slowId) = await server.ConnectWithIdAsync();
        await using var _ = slow;
        await using var sender = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();
        await using var c = await server.ConnectAsync();
        var padding = new string('p', 4000);

        // The readers are kept in step with the sender (a few messages ahead at most), so only the slow client's queue
        // can grow, however loaded the machine is. Its socket buffers fill first; then its queue; then it is closed.
        const int Batch = 4;
        var next = 0;
        var slowGoneAt = -1;
        var clock = Stopwatch.StartNew();
        while (slowGoneAt < 0 || next < slowGoneAt + 20 * Batch)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"the slow client was never closed ({next} messages sent)");
            Assert.True(next < 50_000, $"the slow client was never closed ({next} messages sent)");
            for (var i = 0; i < Batch; i++, next++)
            {
                await sender.SendTextAsync(SeedMessages.OnMessage($"m{next}:{padding}"));
            }

            for (var i = next - Batch; i < next; i++)
            {
                Assert.Equal($"m{i}:{padding}", await b.ReceiveTextAsync());
                Assert.Equal($"m{i}:{padding}", await c.ReceiveTextAsync());
            }

            if (slowGoneAt < 0 && next % (8 * Batch) == 0)
            {
                using var probe = await server.SendAsync(HttpMethod.Get, $"/dev/@connections/{slowId}");
                if (probe.StatusCode == HttpStatusCode.Gone)
                {
                    slowGoneAt = next;

                    // Read it now, before the server's close deadline for a peer that never takes its close frame.
                    Assert.Equal(1008, await slow.ReceiveCloseAsync(TimeSpan.FromSeconds(30)));
                }
                else
                {
                    Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
                }
            }
        }

        await b.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(200));
        await sender.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(100));
        var metrics = await server.MetricsAsync();
        Assert.True(metrics["switchboard_slow_consumer_closes_total"] >= 1, "switchboard_slow_consumer_closes_total not counted");
        Assert.True(metrics["switchboard_messages_dropped_total"] >= 1, "switchboard_messages_dropped_total not counted");
    }

    [Fact]
    public async Task ClientThatNeverReads_IsClosed_WhenFedThroughTheManagementApi()
    {
        var definition = TestDefinitions.WithLimits(l => l with { OutboundQueueMessages = 64, OutboundQueueBytes = 64 * 1024 });
        await using var server = await GatewayServer.StartAsync(definition);
        var (slow, slowId) = await server.ConnectWithIdAsync();
        await using var _ = slow;
        var data = new byte[8000];
        Array.Fill(data, (byte)'d');

        // POSTs go on until the answer is no longer 200; what it becomes is the management API's to choose
        // (429 LimitExceeded when this POST found the queue full, 410 once the connection is gone).
        HttpStatusCode status;
        var posts = 0;
        do
        {
            Assert.True(++posts < 20_000, "the slow client was never closed");
            using var response = await server.SendAsync(HttpMethod.Post, $"/dev/@connections/{slowId}", body: data);
            status = response.StatusCode;
        }
        while (status == HttpStatusCode.OK);

        Assert.Contains(status, new[] { HttpStatusCode.TooManyRequests, HttpStatusCode.Gone });
        using (var gone = await server.SendAsync(HttpMethod.Get, $"/dev/@connections/{slowId}"))
        {
            Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        }

        Assert.Equal(1008, await slow.ReceiveCloseAsync(TimeSpan.FromSeconds(30)));
    }
}
