using System.Net;
using System.Text;
using System.Text.Json;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Processes;
using static Switchboard.Tests.Cluster.ThreeNodeCluster;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// Three real nodes sharing one real Redis act as one gateway (docs/clustering.md): broadcasts, the management API,
/// the REST broadcast and group sends reach connections on every node, each exactly once.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ClusterDeliveryTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task BroadcastFromAClientOnNodeA_ReachesTheClientsOnEveryNode_ExactlyOnceEach_InOrder()
    {
        await using var cluster = await StartAsync();
        var clients = new List<TestWebSocket>();
        try
        {
            foreach (var node in cluster.Nodes)
            {
                clients.Add((await ConnectAsync(node)).Client);
                clients.Add((await ConnectAsync(node)).Client);
            }

            var sender = clients[0];
            for (var i = 0; i < 20; i++)
            {
                await sender.SendTextAsync(SeedMessages.OnMessage($"m{i}"));
            }

            foreach (var client in clients.Skip(1))
            {
                for (var i = 0; i < 20; i++)
                {
                    Assert.Equal($"m{i}", await client.ReceiveTextAsync());
                }
            }

            foreach (var client in clients)
            {
                await client.AssertNothingReceivedAsync(client == sender ? TimeSpan.FromMilliseconds(50) : Quiet);
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ManagementApi_ThroughNodeB_PostsGetsAndDeletes_AConnectionOnNodeC()
    {
        await using var cluster = await StartAsync();
        var (client, id) = await ConnectAsync(cluster.C);
        await using var owned = client;

        using (var post = await cluster.B.Http.PostAsync($"/dev/@connections/{id}", new StringContent("from node b", Encoding.UTF8)))
        {
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        }

        Assert.Equal("from node b", await client.ReceiveTextAsync());

        using (var get = await cluster.B.Http.GetAsync($"/dev/@connections/{id}"))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            using var json = JsonDocument.Parse(await get.Content.ReadAsStringAsync());
            Assert.Equal("127.0.0.1", json.RootElement.GetProperty("identity").GetProperty("sourceIp").GetString());
            Assert.True(json.RootElement.TryGetProperty("connectedAt", out _));
            Assert.True(json.RootElement.TryGetProperty("lastActiveAt", out _));
        }

        using (var delete = await cluster.B.Http.DeleteAsync($"/dev/@connections/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        Assert.Equal(1000, await ProcessTestKit.ReceiveCloseAndAnswerAsync(client, TimeSpan.FromSeconds(10)));
        await ProcessTestKit.PollAsync(
            async () => (await cluster.B.Http.GetAsync($"/dev/@connections/{id}")).StatusCode,
            status => status == HttpStatusCode.Gone,
            TimeSpan.FromSeconds(10),
            "410 for the closed connection through node b");
        using var gone = await cluster.A.Http.PostAsync("/dev/@connections/AAAAAAAAAAAAAAAA", new StringContent("nobody"));
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
    }

    [Fact]
    public async Task RestBroadcast_AndGroupSends_OnAnyNode_ReachEveryMemberOnEveryNode()
    {
        await using var cluster = await StartAsync();
        var key = await cluster.CreateKeyAsync("cluster-key");
        var (a, aId) = await ConnectAsync(cluster.A);
        var (b, bId) = await ConnectAsync(cluster.B);
        var (c, cId) = await ConnectAsync(cluster.C);
        await using var _a = a;
        await using var _b = b;
        await using var _c = c;

        var (status, body) = await RestBroadcastAsync(cluster.C, key, 7);
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal(3, Sent(body));
        foreach (var client in new[] { a, b, c })
        {
            Assert.Equal("7", await client.ReceiveTextAsync());
        }

        // Joins through nodes that do not hold the connection.
        using (var join = await cluster.B.Http.PutAsync($"/dev/@groups/room/{aId}", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, join.StatusCode);
        }

        using (var join = await cluster.A.Http.PutAsync($"/dev/@groups/room/{cId}", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, join.StatusCode);
        }

        using (var send = await cluster.C.Http.PostAsync("/dev/@groups/room", new StringContent("to the room")))
        {
            Assert.Equal(HttpStatusCode.OK, send.StatusCode);
            Assert.Equal(2, Sent(await send.Content.ReadAsStringAsync()));
        }

        Assert.Equal("to the room", await a.ReceiveTextAsync());
        Assert.Equal("to the room", await c.ReceiveTextAsync());
        await b.AssertNothingReceivedAsync(Quiet);

        using (var list = await cluster.B.Http.GetAsync("/dev/@groups/room"))
        {
            var members = await list.Content.ReadAsStringAsync();
            Assert.Contains(aId, members, StringComparison.Ordinal);
            Assert.Contains(cId, members, StringComparison.Ordinal);
            Assert.DoesNotContain(bId, members, StringComparison.Ordinal);
        }

        using (var leave = await cluster.B.Http.DeleteAsync($"/dev/@groups/room/{cId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, leave.StatusCode);
        }

        using (var send = await cluster.B.Http.PostAsync("/dev/@groups/room", new StringContent("after the leave")))
        {
            Assert.Equal(1, Sent(await send.Content.ReadAsStringAsync()));
        }

        Assert.Equal("after the leave", await a.ReceiveTextAsync());
        await c.AssertNothingReceivedAsync(Quiet);

        // The stage-wide management send counts every node's connections.
        using var all = await cluster.A.Http.PostAsync("/dev/@connections", new StringContent("everyone"));
        Assert.Equal(3, Sent(await all.Content.ReadAsStringAsync()));
    }
}
