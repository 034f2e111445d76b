using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Processes;
using static Switchboard.Tests.Cluster.ThreeNodeCluster;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// A node killed with -9 and a Redis that stops: the survivors remove the dead node's connections within 30 s and call
/// <c>$disconnect</c> for each once; while Redis is away calls that need it answer 503 and local sockets are still
/// served; when it returns, full service comes back by itself (docs/clustering.md).
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ClusterFailureTests
{
    [Fact]
    public async Task KillNineOfNodeC_ItsConnectionsAre410AndDisconnectedOnce_Within30Seconds_AndTheOthersAreUnaffected()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("/disconnect", BackendReply.Json("{}"));
        using var dir = new TempDirectory();
        var config = await ProcessTestKit.WriteDefinitionAsync(dir.Path, "switchboard.json", json =>
        {
            var routes = json["webSocketApis"]![0]!["routes"]!.AsObject();
            routes["$disconnect"] = JsonNode.Parse($$"""{ "integration": { "type": "http", "uri": "{{backend.Url("/disconnect")}}" } }""");
        });
        await using var cluster = await StartAsync(3, "--config", config);
        var (a, aId) = await ConnectAsync(cluster.A);
        var (b, _) = await ConnectAsync(cluster.B);
        var (c1, c1Id) = await ConnectAsync(cluster.C);
        var (c2, c2Id) = await ConnectAsync(cluster.C);
        await using var _a = a;
        await using var _b = b;
        await using var _c1 = c1;
        await using var _c2 = c2;
        using (var join = await cluster.A.Http.PutAsync($"/dev/@groups/room/{c1Id}", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, join.StatusCode);
        }

        var killedAt = DateTime.UtcNow;
        await cluster.KillAsync(2);

        foreach (var id in new[] { c1Id, c2Id })
        {
            await ProcessTestKit.PollAsync(
                async () => (await cluster.A.Http.PostAsync($"/dev/@connections/{id}", new StringContent("anyone?"))).StatusCode,
                status => status == HttpStatusCode.Gone,
                TimeSpan.FromSeconds(30) - (DateTime.UtcNow - killedAt),
                $"410 for {id} of the killed node");
        }

        // Registry rows and memberships gone, and $disconnect called once for each, all within 30 s of the kill.
        await ProcessTestKit.PollAsync(
            () => Task.FromResult(DisconnectsOf(backend, c1Id) + DisconnectsOf(backend, c2Id)),
            count => count >= 2,
            TimeSpan.FromSeconds(30) - (DateTime.UtcNow - killedAt),
            "the $disconnect of both connections of the killed node");
        var rows = await ProcessTestKit.PollAsync(
            async () => await ListAsync(cluster),
            listed => !listed.Contains(c1Id) && !listed.Contains(c2Id),
            TimeSpan.FromSeconds(30) - (DateTime.UtcNow - killedAt),
            "the killed node's registry rows removed");
        Assert.Contains(aId, rows);
        using (var members = await cluster.B.Http.GetAsync("/dev/@groups/room"))
        {
            Assert.DoesNotContain(c1Id, await members.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.Equal(1, DisconnectsOf(backend, c1Id));
        Assert.Equal(1, DisconnectsOf(backend, c2Id));
        using (var evt = JsonDocument.Parse(backend.Requests.First(r => r.Body.Contains(c1Id, StringComparison.Ordinal)).Body))
        {
            var context = evt.RootElement.GetProperty("requestContext");
            Assert.Equal("DISCONNECT", context.GetProperty("eventType").GetString());
            Assert.Equal(1006, context.GetProperty("disconnectStatusCode").GetInt32());
        }

        // The survivors still serve each other.
        await b.SendTextAsync(SeedMessages.OnMessage("still here"));
        Assert.Equal("still here", await a.ReceiveTextAsync());
        using var post = await cluster.B.Http.PostAsync($"/dev/@connections/{aId}", new StringContent("hello a"));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal("hello a", await a.ReceiveTextAsync());
    }

    [Fact]
    public async Task NodeKilledAndRestartedWithTheSameNodeId_CleansItsEarlierRunAtStart_WithoutWaitingForTheHeartbeatToAge()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("/disconnect", BackendReply.Json("{}"));
        using var dir = new TempDirectory();
        var config = await ProcessTestKit.WriteDefinitionAsync(dir.Path, "switchboard.json", json =>
            json["webSocketApis"]![0]!["routes"]!["$disconnect"] = JsonNode.Parse($$"""{ "integration": { "type": "http", "uri": "{{backend.Url("/disconnect")}}" } }"""));
        await using var cluster = await StartAsync(2, "--config", config);
        var (old, oldId) = await ConnectAsync(cluster.B);
        await using var _old = old;

        await cluster.KillAsync(1);
        var restartedAt = DateTime.UtcNow;
        await using var restarted = await cluster.StartNodeAsync(NodeId(1));

        // The restarted node claimed its earlier run's connections before taking handshakes: 410 at once, long
        // before that run's heartbeat is 15 s old, and $disconnect called once.
        using (var post = await cluster.A.Http.PostAsync($"/dev/@connections/{oldId}", new StringContent("anyone?")))
        {
            Assert.Equal(HttpStatusCode.Gone, post.StatusCode);
        }

        Assert.True(DateTime.UtcNow - restartedAt < DeadRunCleanupAge, "the restart and the first call took longer than a run's heartbeat takes to age");
        await ProcessTestKit.PollAsync(() => Task.FromResult(DisconnectsOf(backend, oldId)), count => count >= 1, TimeSpan.FromSeconds(10), "the $disconnect of the earlier run's connection");
        Assert.DoesNotContain(oldId, await ListAsync(cluster));

        var (fresh, freshId) = await ConnectAsync(restarted);
        await using var _fresh = fresh;
        using var again = await cluster.A.Http.PostAsync($"/dev/@connections/{freshId}", new StringContent("hello"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("hello", await fresh.ReceiveTextAsync());
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(1, DisconnectsOf(backend, oldId));
    }

    private static readonly TimeSpan DeadRunCleanupAge = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task NodeCutOffFromRedisAlone_IsTakenForDead_AndWhenItIsBackClosesTheSocketsTheClusterEnded_WithoutASecondDisconnect()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("/disconnect", BackendReply.Json("{}"));
        using var dir = new TempDirectory();
        var config = await ProcessTestKit.WriteDefinitionAsync(dir.Path, "switchboard.json", json =>
            json["webSocketApis"]![0]!["routes"]!["$disconnect"] = JsonNode.Parse($$"""{ "integration": { "type": "http", "uri": "{{backend.Url("/disconnect")}}" } }"""));
        await using var cluster = await StartAsync(1, "--config", config);
        await using var proxy = new TcpCutProxy(cluster.Redis.Port);
        await using var cutOff = await cluster.StartNodeAsync("node-cut-off", $"127.0.0.1:{proxy.Port}");
        var (client, id) = await ConnectAsync(cutOff);
        await using var _client = client;

        proxy.Cut();

        // The other node takes it for dead (15 s without a heartbeat), runs the connection's $disconnect and answers 410.
        await ProcessTestKit.PollAsync(() => Task.FromResult(DisconnectsOf(backend, id)), count => count >= 1, TimeSpan.FromSeconds(40), "the $disconnect of the cut-off node's connection");
        using (var post = await cluster.A.Http.PostAsync($"/dev/@connections/{id}", new StringContent("anyone?")))
        {
            Assert.Equal(HttpStatusCode.Gone, post.StatusCode);
        }

        // Meanwhile the cut-off node still serves the socket itself.
        await client.SendTextAsync("{\"action\":\"whoAmI-no-such-route\"}");
        Assert.Contains(id, await client.ReceiveTextAsync(), StringComparison.Ordinal);

        proxy.Mend();

        // Back on Redis, it finds the connection claimed and closes the socket (1001) instead of writing it back.
        var closed = await client.ReceiveAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1001, closed.CloseStatus);
        Assert.Equal(Switchboard.Redis.Backplane.BackplaneService.ClaimedReason, closed.CloseDescription);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(1, DisconnectsOf(backend, id));
        Assert.DoesNotContain(id, await ListAsync(cluster));
    }

    [Fact]
    public async Task RedisStoppedThenRestarted_CallsThatNeedItAnswer503_LocalSocketsAreServed_AndEverythingComesBack()
    {
        await using var cluster = await StartAsync(2);
        var key = await cluster.CreateKeyAsync("outage-key");
        var (a1, a1Id) = await ConnectAsync(cluster.A);
        var (a2, _) = await ConnectAsync(cluster.A);
        var (b, bId) = await ConnectAsync(cluster.B);
        await using var _a1 = a1;
        await using var _a2 = a2;
        await using var _b = b;

        await cluster.Redis.StopAsync();

        await ProcessTestKit.PollAsync(
            async () => (await cluster.A.Http.GetAsync("/readyz")).StatusCode,
            status => status == HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(20),
            "/readyz 503 while Redis is down");

        // A broadcast from a client still reaches this node's clients; the sender is told the others may not have it.
        await a1.SendTextAsync(SeedMessages.OnMessage("local only"));
        Assert.Equal("local only", await a2.ReceiveTextAsync());
        SeedMessages.AssertErrorFrame(await a1.ReceiveTextAsync(), "Service Unavailable");

        var (restStatus, restBody) = await RestBroadcastAsync(cluster.A, key, 3);
        Assert.True(restStatus == HttpStatusCode.ServiceUnavailable, $"{(int)restStatus} {restBody}");
        using (var post = await cluster.A.Http.PostAsync($"/dev/@connections/{bId}", new StringContent("to b")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, post.StatusCode);
            Assert.Contains("Service unavailable", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var all = await cluster.B.Http.PostAsync("/dev/@connections", new StringContent("to all")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, all.StatusCode);
        }

        Assert.Equal("to all", await b.ReceiveTextAsync());
        await a1.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(200));

        await cluster.Redis.StartAsync();

        foreach (var node in cluster.Nodes)
        {
            await ProcessTestKit.PollAsync(
                async () => (await node.Http.GetAsync("/readyz")).StatusCode,
                status => status == HttpStatusCode.OK,
                TimeSpan.FromSeconds(30),
                "/readyz 200 after Redis returned");
        }

        // Redis came back empty: the nodes wrote their live connections back, so cross-node calls work again.
        await ProcessTestKit.PollAsync(
            async () => (await cluster.A.Http.PostAsync($"/dev/@connections/{bId}", new StringContent("to b again"))).StatusCode,
            status => status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30),
            "a post through node a to the connection on node b");
        Assert.Equal("to b again", await b.ReceiveTextAsync());
        using (var get = await cluster.B.Http.GetAsync($"/dev/@connections/{a1Id}"))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        }

        await a1.SendTextAsync(SeedMessages.OnMessage("back"));
        Assert.Equal("back", await a2.ReceiveTextAsync());
        Assert.Equal("back", await b.ReceiveTextAsync());
        // The test's Redis keeps nothing on disk, so its API keys went with it (a production Redis persists them).
        key = await cluster.CreateKeyAsync("outage-key-again");
        var (status, body) = await RestBroadcastAsync(cluster.B, key, 4);
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal(3, Sent(body));
        Assert.Contains(a1Id, await ListAsync(cluster));
    }

    private static int DisconnectsOf(BackendServer backend, string id) =>
        backend.Requests.Count(r => r.Body.Contains(id, StringComparison.Ordinal) && r.Body.Contains("DISCONNECT", StringComparison.Ordinal));

    /// <summary>The connection ids <c>connections list --store redis</c> prints.</summary>
    private static async Task<HashSet<string>> ListAsync(ThreeNodeCluster cluster)
    {
        var result = await cluster.CliAsync("connections", "list");
        Assert.True(result.ExitCode == 0, result.ToString());
        return [.. result.StdoutLines.Skip(1).Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0])];
    }
}
