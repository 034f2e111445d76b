using Switchboard.Redis;
using Switchboard.Registry;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Registry;

public sealed class RedisConnectionRegistryTests(RedisServer redis) : ConnectionRegistryContractTests, IClassFixture<RedisServer>
{
    // The contract's times are around this instant. The registry reads heartbeats from their keys' time to live, which
    // Redis counts down in real time, so its clock starts here and runs in real time too.
    private static readonly DateTimeOffset Epoch = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string _prefix = RedisServer.NewKeyPrefix();
    private readonly List<RedisStoreConnection> _connections = [];
    private readonly RunningClock _clock = new(Epoch);

    protected override async Task<IConnectionRegistry> CreateAsync() => new RedisConnectionRegistry(await ConnectAsync(), _clock);

    protected override async Task DisposeStoreAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task TwoNodesOnOneRedis_SeeEachOthersRowsAndRuns()
    {
        var other = new RedisConnectionRegistry(await ConnectAsync(), new RunningClock(Epoch));
        await Within(other.HeartbeatAsync("run-b", "node-b", Epoch));
        await Within(other.AddAsync(Record("conn00000000000b", nodeId: "node-b", runId: "run-b", connectedAtMs: 2)));
        await Within(Registry.AddAsync(Record("conn00000000000a", nodeId: "node-a", runId: "run-a", connectedAtMs: 1)));

        Assert.Equal(["conn00000000000a", "conn00000000000b"], (await Within(Registry.ListAsync(new ConnectionQuery()))).Select(r => r.ConnectionId));
        Assert.Equal(["conn00000000000b"], (await Within(Registry.ListAsync(new ConnectionQuery(NodeId: "node-b")))).Select(r => r.ConnectionId));
        Assert.Contains(new RunRecord("run-b", "node-b", Epoch), await Within(Registry.ListRunsAsync()));

        Assert.Equal(1, await Within(Registry.RemoveRunAsync("run-b")));
        Assert.Null(await Within(other.GetAsync("conn00000000000b")));
    }

    [Fact]
    public async Task Heartbeat_IsReadFromItsKeysAge_SoASendersClockThatIsOffDoesNotCount()
    {
        // Node b's clock is two minutes behind this one's: its timestamps alone would make it look long dead.
        var now = _clock;
        var behind = new RunningClock(Epoch - TimeSpan.FromMinutes(2));
        var nodeB = new RedisConnectionRegistry(await ConnectAsync(), behind);
        await Within(nodeB.HeartbeatAsync("run-b", "node-b", behind.GetUtcNow()));
        await Within(nodeB.AddAsync(Record("conn00000000000b", nodeId: "node-b", runId: "run-b")));

        var run = Assert.Single(await Within(Registry.ListRunsAsync()), r => r.RunId == "run-b");
        Assert.Equal("node-b", run.NodeId);
        Assert.InRange(run.HeartbeatAt!.Value, now.GetUtcNow() - TimeSpan.FromSeconds(2), now.GetUtcNow());

        // So the dead-run clean-up, which compares with its own now, finds it alive.
        Assert.True(run.HeartbeatAt >= now.GetUtcNow() - DeadRunCleanup.DeadAfter);
    }

    [Fact]
    public async Task Heartbeat_ReadOnANodeWhoseClockIsAhead_IsThatNodesNow()
    {
        var ahead = new RunningClock(Epoch + TimeSpan.FromMinutes(10));
        var reader = new RedisConnectionRegistry(await ConnectAsync(), ahead);
        await Within(Registry.HeartbeatAsync("run-a", "node-a", _clock.GetUtcNow()));

        var run = Assert.Single(await Within(reader.ListRunsAsync()));

        Assert.InRange(run.HeartbeatAt!.Value, ahead.GetUtcNow() - TimeSpan.FromSeconds(2), ahead.GetUtcNow());
    }

    [Fact]
    public async Task ARunWhoseHeartbeatKeyExpired_IsListedWithoutAHeartbeat_UntilItIsRemoved()
    {
        // A beat sent 300 ms before its key's life would end: the key expires 300 ms from now.
        await Within(Registry.HeartbeatAsync("fading", "node-a", _clock.GetUtcNow() - RedisConnectionRegistry.HeartbeatTtl + TimeSpan.FromMilliseconds(300)));
        await Within(Registry.AddAsync(Record("conn000000000001", runId: "fading")));

        await Eventually.TrueAsync(
            async () => (await Registry.ListRunsAsync()).Single().HeartbeatAt is null, TimeSpan.FromSeconds(10), "the heartbeat key to expire");

        Assert.Equal([new RunRecord("fading", "node-a", null)], await Within(Registry.ListRunsAsync()));
        Assert.Equal(1, await Within(Registry.RemoveRunAsync("fading")));
        Assert.Empty(await Within(Registry.ListRunsAsync()));
    }

    [Fact]
    public async Task AHeartbeatOlderThanTheKeysLife_RecordsTheRunWithoutAHeartbeat()
    {
        await Within(Registry.HeartbeatAsync("stale", "node-a", Epoch - TimeSpan.FromHours(1)));

        Assert.Equal([new RunRecord("stale", "node-a", null)], await Within(Registry.ListRunsAsync()));
    }

    [Fact]
    public async Task EveryKey_StartsWithThePrefixsHashTag_AndNoneIsLeftOnceRowsAndRunsAreRemoved()
    {
        var connection = _connections[0];
        await Within(Registry.HeartbeatAsync("run-1", "node-a", Epoch));
        await Within(Registry.AddAsync(Record("conn000000000001")));
        await Within(Registry.AddAsync(Record("conn000000000002", runId: "run-2")));
        await Within(Registry.UpdateLastActiveAsync([new LastActiveUpdate("conn000000000001", Epoch.AddMinutes(1))]));

        var keys = KeysOf(connection);
        Assert.True(keys.Length >= 6, string.Join(", ", keys));

        // Redis Cluster hashes only what is inside a key's first {...}: the same for every key, so one slot.
        Assert.All(keys, key => Assert.StartsWith("{" + _prefix + "}:", key, StringComparison.Ordinal));

        await Within(Registry.RemoveAsync("conn000000000002"));
        await Within(Registry.RemoveRunAsync("run-1"));
        await Within(Registry.RemoveRunAsync("run-2"));
        Assert.Empty(KeysOf(connection));
    }

    [Fact]
    public async Task AnotherPrefix_IsAnotherRegistry()
    {
        await Within(Registry.AddAsync(Record("conn000000000001")));
        var elsewhere = new RedisConnectionRegistry(await ConnectAsync(RedisServer.NewKeyPrefix()), new RunningClock(Epoch));

        Assert.Empty(await Within(elsewhere.ListAsync(new ConnectionQuery())));
        Assert.Null(await Within(elsewhere.GetAsync("conn000000000001")));
    }

    private static string[] KeysOf(RedisStoreConnection connection) =>
        [.. connection.Multiplexer.GetServers().Single().Keys(pattern: connection.KeyPrefix + "*")
            .Select(k => k.ToString())
            .Where(k => !k.EndsWith(":ping", StringComparison.Ordinal))];

    private async Task<RedisStoreConnection> ConnectAsync(string? prefix = null)
    {
        var connection = await redis.ConnectAsync(prefix ?? _prefix);
        _connections.Add(connection);
        return connection;
    }
}
