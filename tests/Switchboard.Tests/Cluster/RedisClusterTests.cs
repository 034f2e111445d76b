using System.Net;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Processes;
using static Switchboard.Tests.Cluster.ThreeNodeCluster;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// The nodes on a real Redis Cluster (three primaries): the store's keys share one slot (a hash tag) and the backplane
/// uses sharded channels, so broadcasts, calls about one connection and counted sends work as on one Redis server.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class RedisClusterTests
{
    [Fact]
    public async Task OnARedisCluster_BroadcastsCallsAndCountedSends_ReachEveryNode()
    {
        await using var cluster = await StartOnRedisClusterAsync(2);
        var (a, aId) = await ConnectAsync(cluster.A);
        var (b, bId) = await ConnectAsync(cluster.B);
        await using var _a = a;
        await using var _b = b;

        await a.SendTextAsync(SeedMessages.OnMessage("through the shards"));
        Assert.Equal("through the shards", await b.ReceiveTextAsync());

        using (var post = await cluster.B.Http.PostAsync($"/dev/@connections/{aId}", new StringContent("to a")))
        {
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        }

        Assert.Equal("to a", await a.ReceiveTextAsync());
        using (var all = await cluster.A.Http.PostAsync("/dev/@connections", new StringContent("to both")))
        {
            Assert.Equal(HttpStatusCode.OK, all.StatusCode);
            Assert.Equal(2, Sent(await all.Content.ReadAsStringAsync()));
        }

        Assert.Equal("to both", await a.ReceiveTextAsync());
        Assert.Equal("to both", await b.ReceiveTextAsync());

        var listed = await cluster.CliAsync("connections", "list");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Contains(aId, listed.Stdout, StringComparison.Ordinal);
        Assert.Contains(bId, listed.Stdout, StringComparison.Ordinal);
    }
}
