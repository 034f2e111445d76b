using Switchboard.Groups;
using Switchboard.Redis;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Groups;

public sealed class RedisGroupStoreTests(RedisServer redis) : GroupStoreContractTests, IClassFixture<RedisServer>
{
    private readonly string _prefix = RedisServer.NewKeyPrefix();
    private readonly List<RedisStoreConnection> _connections = [];

    protected override async Task<IGroupStore> CreateAsync() => new RedisGroupStore(await ConnectAsync());

    protected override async Task DisposeStoreAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task TwoNodesOnOneRedis_SeeEachOthersMemberships_InJoiningOrder()
    {
        var other = new RedisGroupStore(await ConnectAsync());

        await Within(Store.AddAsync(Member("conn000000000001", nodeId: "n1", runId: "run-1")));
        await Within(other.AddAsync(Member("conn000000000002", nodeId: "n2", runId: "run-2")));
        await Within(Store.AddAsync(Member("conn000000000003", nodeId: "n1", runId: "run-1")));

        Assert.Equal(["conn000000000001", "conn000000000002", "conn000000000003"], await Within(other.ListAsync("chat", "prod", "room1")));
        Assert.Equal(["run-1", "run-2"], (await Within(other.ListRunsAsync())).Order(StringComparer.Ordinal));

        Assert.Equal(1, await Within(other.RemoveRunAsync("run-2")));
        Assert.Equal(["conn000000000001", "conn000000000003"], await ListAsync());
    }

    [Fact]
    public async Task NamesHoldingTheKeySeparator_NeverShareAGroup()
    {
        await Within(Store.AddAsync(Member("conn000000000001", api: "a:b", stage: "c", group: "d")));
        await Within(Store.AddAsync(Member("conn000000000002", api: "a", stage: "b:c", group: "d")));
        await Within(Store.AddAsync(Member("conn000000000003", api: "a", stage: "b", group: "c:d")));
        await Within(Store.AddAsync(Member("conn000000000004", api: "a%3Ab", stage: "c", group: "d")));

        Assert.Equal(["conn000000000001"], await ListAsync("d", "a:b", "c"));
        Assert.Equal(["conn000000000002"], await ListAsync("d", "a", "b:c"));
        Assert.Equal(["conn000000000003"], await ListAsync("c:d", "a", "b"));
        Assert.Equal(["conn000000000004"], await ListAsync("d", "a%3Ab", "c"));
    }

    [Fact]
    public async Task NoKeyIsLeft_OnceEveryMembershipIsGone()
    {
        await Within(Store.AddAsync(Member("conn000000000001", group: "a", runId: "run-1")));
        await Within(Store.AddAsync(Member("conn000000000001", group: "b", runId: "run-1")));
        await Within(Store.AddAsync(Member("conn000000000002", group: "a", runId: "run-2")));
        await Within(Store.AddAsync(Member("conn000000000003", group: "a", runId: "run-1")));

        await Within(Store.RemoveAsync("chat", "prod", "a", "conn000000000001"));
        await Within(Store.RemoveConnectionAsync("conn000000000002"));
        Assert.Equal(["run-1"], await Within(Store.ListRunsAsync()));
        Assert.Equal(2, await Within(Store.RemoveRunAsync("run-1")));

        Assert.Empty(await Within(Store.ListRunsAsync()));
        var connection = _connections[0];
        var left = connection.Multiplexer.GetServers().Single().Keys(pattern: connection.KeyPrefix + "*").Select(k => k.ToString()).ToArray();
        Assert.Equal([connection.KeyPrefix + "group-order"], left);
    }

    private async Task<RedisStoreConnection> ConnectAsync()
    {
        var connection = await redis.ConnectAsync(_prefix);
        _connections.Add(connection);
        return connection;
    }
}
