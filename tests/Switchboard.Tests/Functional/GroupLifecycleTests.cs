using System.Collections.Concurrent;
using System.Net;
using Switchboard.Definition;
using Switchboard.Groups;
using Switchboard.Sqlite;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>Memberships over a connection's life and the server's: a close leaves every group, a crashed run's rows go at start, and joins race safely.</summary>
public sealed class GroupLifecycleTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ClientThatCloses_LeavesEveryGroup_AndGroupSendsCountItNoMore(bool sqlite)
    {
        await using var server = await GatewayServer.StartAsync(sqlite: sqlite);
        var (g1, g2) = (GroupHttp.UniqueGroup(), GroupHttp.UniqueGroup());
        var (stays, idStays) = await server.ConnectWithIdAsync();
        await using var _ = stays;
        var (closes, idCloses) = await server.ConnectWithIdAsync();
        await GroupHttp.JoinAsync(server, g1, idCloses);
        await GroupHttp.JoinAsync(server, g2, idCloses);
        await GroupHttp.JoinAsync(server, g1, idStays);
        Assert.Equal([idCloses, idStays], await GroupHttp.ListAsync(server, g1));

        await closes.DisposeAsync();

        await Eventually.TrueAsync(
            async () => (await GroupHttp.ListAsync(server, g1)).SequenceEqual([idStays]) && (await GroupHttp.ListAsync(server, g2)).Length == 0,
            what: "the closed connection gone from both groups");
        Assert.Equal(1, await GroupHttp.SendAsync(server, $"/dev/@groups/{g1}", "after close"));
        Assert.Equal(0, await GroupHttp.SendAsync(server, $"/dev/@groups/{g2}", "after close"));
        Assert.Equal("after close", await stays.ReceiveTextAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ConnectionClosedThroughTheManagementApi_LeavesItsGroups(bool sqlite)
    {
        await using var server = await GatewayServer.StartAsync(sqlite: sqlite);
        var group = GroupHttp.UniqueGroup();
        var (client, id) = await server.ConnectWithIdAsync();
        await using var _ = client;
        await GroupHttp.JoinAsync(server, group, id);

        using (var response = await server.SendAsync(HttpMethod.Delete, $"/dev/@connections/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        await client.ReceiveCloseAndAnswerAsync();
        await Eventually.TrueAsync(async () => (await GroupHttp.ListAsync(server, group)).Length == 0, what: "the closed connection gone from the group");
        Assert.Equal(0, await GroupHttp.SendAsync(server, $"/dev/@groups/{group}", "nobody"));
    }

    [Fact]
    public async Task MemberThatNeverReads_IsClosedWith1008AndLeavesTheGroup_WhileTheOtherGetsEverySend()
    {
        var definition = TestDefinitions.WithLimits(l => l with { OutboundQueueMessages = 64, OutboundQueueBytes = 64 * 1024 });
        await using var server = await GatewayServer.StartAsync(definition);
        var group = GroupHttp.UniqueGroup();
        var (slow, slowId) = await server.ConnectWithIdAsync();
        await using var _ = slow;
        var (reader, readerId) = await server.ConnectWithIdAsync();
        await using var __ = reader;
        await GroupHttp.JoinAsync(server, group, slowId);
        await GroupHttp.JoinAsync(server, group, readerId);
        var padding = new string('p', 4000);

        var next = 0;
        while (true)
        {
            Assert.True(next < 20_000, $"the slow member was never closed ({next} sends)");
            var sent = await GroupHttp.SendAsync(server, $"/dev/@groups/{group}", $"m{next}:{padding}");
            Assert.InRange(sent, 1, 2);
            Assert.Equal($"m{next}:{padding}", await reader.ReceiveTextAsync());
            next++;
            if (sent == 1)
            {
                break;
            }
        }

        Assert.Equal(1008, await slow.ReceiveCloseAsync(TimeSpan.FromSeconds(30)));
        await Eventually.TrueAsync(async () => (await GroupHttp.ListAsync(server, group)).SequenceEqual([readerId]), what: "the slow member gone from the listing");
        Assert.Equal(1, await GroupHttp.SendAsync(server, $"/dev/@groups/{group}", "still here"));
        Assert.Equal("still here", await reader.ReceiveTextAsync());
    }

    [Fact]
    public async Task Start_RemovesMembershipsThisNodesEarlierRunsLeft_AndKeepsALiveRunOfAnotherNode()
    {
        using var dir = new TempDirectory();
        var group = GroupHttp.UniqueGroup();
        var nodeId = "group-node-" + Guid.NewGuid().ToString("N")[..8];
        using (var database = SqliteDatabase.Open(dir.Path))
        {
            // The other node's run is alive: it sent a heartbeat just now.
            await using (var registry = new SqliteConnectionRegistry(database, Microsoft.Extensions.Logging.Abstractions.NullLogger<SqliteConnectionRegistry>.Instance))
            {
                await registry.HeartbeatAsync("its-run", "another-node", DateTimeOffset.UtcNow).AsTask().WaitAsync(TestWebSocket.DefaultTimeout);
            }

            var store = new SqliteGroupStore(database);
            await store.AddAsync(new GroupMember(SeedDefinition.WebSocketApiName, "dev", group, "crashed000000001", nodeId, "earlier-run")).AsTask().WaitAsync(TestWebSocket.DefaultTimeout);
            await store.AddAsync(new GroupMember(SeedDefinition.WebSocketApiName, "dev", group, "othernode0000001", "another-node", "its-run")).AsTask().WaitAsync(TestWebSocket.DefaultTimeout);
        }

        await using var server = await GatewayServer.StartAsync(dataDir: dir.Path, nodeId: nodeId);

        Assert.Equal(["othernode0000001"], await GroupHttp.ListAsync(server, group));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ManyClientsJoiningAndLeavingWhileASenderPosts_CountWithinBounds_AndEndWithNobody(bool sqlite)
    {
        const int Clients = 12;
        const int Rounds = 8;
        await using var server = await GatewayServer.StartAsync(sqlite: sqlite);
        var group = GroupHttp.UniqueGroup();
        var clients = new List<(TestWebSocket Client, string Id)>();
        try
        {
            for (var i = 0; i < Clients; i++)
            {
                clients.Add(await server.ConnectWithIdAsync());
            }

            var counts = new ConcurrentBag<int>();
            using var stop = new CancellationTokenSource();
            var sender = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    counts.Add(await GroupHttp.SendAsync(server, $"/dev/@groups/{group}", "tick"));
                }
            });

            await Task.WhenAll(clients.Select(c => Task.Run(async () =>
            {
                for (var round = 0; round < Rounds; round++)
                {
                    await GroupHttp.JoinAsync(server, group, c.Id);
                    using var response = await server.SendAsync(HttpMethod.Delete, $"/dev/@groups/{group}/{c.Id}");
                    Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
                }
            }))).WaitAsync(TimeSpan.FromSeconds(60));

            await stop.CancelAsync();
            await sender.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.NotEmpty(counts);
            Assert.All(counts, count => Assert.InRange(count, 0, Clients));
            Assert.Empty(await GroupHttp.ListAsync(server, group));
            Assert.Equal(0, await GroupHttp.SendAsync(server, $"/dev/@groups/{group}", "after"));
            Assert.All(clients, c => Assert.Equal(System.Net.WebSockets.WebSocketState.Open, c.Client.Socket.State));
        }
        finally
        {
            foreach (var (client, _) in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task JoinsRacingWithCloses_LeaveNoClosedConnectionListed(bool sqlite)
    {
        const int Clients = 30;
        await using var server = await GatewayServer.StartAsync(sqlite: sqlite);
        var group = GroupHttp.UniqueGroup();
        var clients = new List<(TestWebSocket Client, string Id)>();
        for (var i = 0; i < Clients; i++)
        {
            clients.Add(await server.ConnectWithIdAsync());
        }

        await Task.WhenAll(clients.Select(c => Task.Run(async () =>
        {
            var join = Task.Run(async () =>
            {
                using var response = await server.SendAsync(HttpMethod.Put, $"/dev/@groups/{group}/{c.Id}");
                Assert.True(response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.Gone, $"PUT: got {(int)response.StatusCode}");
            });
            await c.Client.DisposeAsync();
            await join;
        }))).WaitAsync(TimeSpan.FromSeconds(60));

        foreach (var (_, id) in clients)
        {
            await Eventually.TrueAsync(async () => !await server.IsRegisteredAsync(id), what: $"connection {id} unregistered");
        }

        await Eventually.TrueAsync(
            async () => (await GroupHttp.ListAsync(server, group)).Length == 0,
            what: "no closed connection listed in the group");
    }
}
