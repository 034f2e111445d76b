using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Connections;
using Switchboard.Groups;
using Switchboard.Registry;

namespace Switchboard.Tests.Registry;

/// <summary>
/// Which runs count as dead and what of theirs is removed, on each back end's registry and group store together. Times
/// are explicit, so nothing waits.
/// </summary>
public abstract class DeadRunCleanupContractTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly NodeIdentity _node = new("this-node:8080");
    private IConnectionRegistry? _registry;
    private IGroupStore? _groups;

    private IConnectionRegistry Registry => _registry ?? throw new InvalidOperationException("Not initialized.");

    private IGroupStore Groups => _groups ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>A new, empty registry and group store on the same back end.</summary>
    protected abstract Task<(IConnectionRegistry Registry, IGroupStore Groups)> CreateAsync();

    protected abstract Task DisposeStoresAsync();

    public async Task InitializeAsync()
    {
        (_registry, _groups) = await CreateAsync().WaitAsync(Timeout);
        await Within(Registry.HeartbeatAsync(_node.RunId, _node.NodeId, Now));
    }

    public Task DisposeAsync() => DisposeStoresAsync().WaitAsync(Timeout);

    [Fact]
    public async Task RunWithAStaleHeartbeat_UnderAnotherNodeId_IsRemovedWithItsRowsAndMemberships()
    {
        await RunAsync("crashed", "old-host:8080", Now.AddSeconds(-31), "crashed00000001", "crashed00000002");
        await RunAsync("alive", "other-host:8080", Now.AddSeconds(-5), "alive000000001");
        await RunAsync(_node.RunId, _node.NodeId, heartbeatAt: null, "mine0000000001");

        var removed = await RemoveAsync(earlierRunsOfThisNode: false);

        Assert.Equal(new DeadRuns(1, 2, 2, 0), removed);
        Assert.Equal(["alive000000001", "mine0000000001"], await ConnectionIdsAsync());
        Assert.Equal(["alive000000001", "mine0000000001"], await MembersAsync());
        Assert.Equal(new[] { "alive", _node.RunId }.Order(StringComparer.Ordinal), await RunIdsAsync());
    }

    [Fact]
    public async Task HeartbeatExactlyDeadAfterAgo_IsStillAlive_AMillisecondOlderIsDead()
    {
        await RunAsync("at-limit", "a:1", Now - DeadRunCleanup.DeadAfter, "atlimit0000001");
        await RunAsync("past-limit", "b:1", Now - DeadRunCleanup.DeadAfter - TimeSpan.FromMilliseconds(1), "pastlimit00001");

        await RemoveAsync(earlierRunsOfThisNode: false);

        Assert.Equal(["atlimit0000001"], await ConnectionIdsAsync());
    }

    [Fact]
    public async Task RowsOfARunThatNeverSentAHeartbeat_AreRemoved()
    {
        // Rows an earlier version wrote before runs sent heartbeats.
        await RunAsync("silent", "old-host:8080", heartbeatAt: null, "silent00000001");

        var removed = await RemoveAsync(earlierRunsOfThisNode: false);

        Assert.Equal(new DeadRuns(1, 1, 1, 0), removed);
        Assert.Empty(await ConnectionIdsAsync());
        Assert.Empty(await MembersAsync());
    }

    [Fact]
    public async Task MembershipsOfARunKnownOnlyFromThem_AreRemoved()
    {
        // A definition without registry.save writes memberships but no connection rows.
        await Within(Groups.AddAsync(new GroupMember("chat", "prod", "room", "nosave00000001", "old-host:8080", "no-rows")));

        var removed = await RemoveAsync(earlierRunsOfThisNode: false);

        Assert.Equal(new DeadRuns(1, 0, 1, 0), removed);
        Assert.Empty(await MembersAsync());
    }

    [Fact]
    public async Task EarlierRunOfThisNode_IsRemovedAtStart_EvenWithAFreshHeartbeat_ButNotByARegularPass()
    {
        await RunAsync("earlier", _node.NodeId, Now.AddSeconds(-1), "earlier0000001");

        Assert.Equal(new DeadRuns(0, 0, 0, 0), await RemoveAsync(earlierRunsOfThisNode: false));
        Assert.Equal(["earlier0000001"], await ConnectionIdsAsync());

        Assert.Equal(new DeadRuns(1, 1, 1, 0), await RemoveAsync(earlierRunsOfThisNode: true));
        Assert.Empty(await ConnectionIdsAsync());
        Assert.Equal([_node.RunId], await RunIdsAsync());
    }

    [Fact]
    public async Task TheCurrentRun_IsNeverDead_HoweverOldItsHeartbeat()
    {
        await RunAsync(_node.RunId, _node.NodeId, heartbeatAt: null, "mine0000000001");

        var removed = await RemoveAsync(earlierRunsOfThisNode: true, now: Now.AddHours(1));

        Assert.Equal(new DeadRuns(0, 0, 0, 0), removed);
        Assert.Equal(["mine0000000001"], await ConnectionIdsAsync());
        Assert.Equal(["mine0000000001"], await MembersAsync());
    }

    [Fact]
    public async Task ARunThatOnlyHasAStaleHeartbeat_IsForgotten()
    {
        await Within(Registry.HeartbeatAsync("empty", "old-host:8080", Now.AddMinutes(-5)));

        Assert.Equal(new DeadRuns(1, 0, 0, 0), await RemoveAsync(earlierRunsOfThisNode: false));
        Assert.Equal([_node.RunId], await RunIdsAsync());
    }

    private static async Task Within(ValueTask task) => await task.AsTask().WaitAsync(Timeout);

    private static async Task<T> Within<T>(ValueTask<T> task) => await task.AsTask().WaitAsync(Timeout);

    /// <summary>A run with a heartbeat (unless null) and, for each id, a connection row and a membership of group "room".</summary>
    private async Task RunAsync(string runId, string nodeId, DateTimeOffset? heartbeatAt, params string[] connectionIds)
    {
        if (heartbeatAt is { } at)
        {
            await Within(Registry.HeartbeatAsync(runId, nodeId, at));
        }

        foreach (var id in connectionIds)
        {
            await Within(Registry.AddAsync(new ConnectionRecord(id, "chat", "prod", Now, Now, "192.0.2.7", null, nodeId, runId)));
            await Within(Groups.AddAsync(new GroupMember("chat", "prod", "room", id, nodeId, runId)));
        }
    }

    private Task<DeadRuns> RemoveAsync(bool earlierRunsOfThisNode, DateTimeOffset? now = null) =>
        // One node's delivery: no run's connections outlive it there, so nothing is claimed and no $disconnect runs
        // (the cluster's claims are tested with real nodes, in Cluster/).
        new DeadRunCleanup(Registry, Groups, OneNodeDelivery(), orphans: null!, _node, NullLogger<DeadRunCleanup>.Instance)
            .RemoveAsync(now ?? Now, earlierRunsOfThisNode, CancellationToken.None).WaitAsync(Timeout);

    private Switchboard.Delivery.LocalMessageDelivery OneNodeDelivery()
    {
        var table = new ConnectionTable();
        return new(table, new LocalGroups(table, Groups, _node), new Switchboard.Operations.GatewayMetrics());
    }

    private async Task<string[]> ConnectionIdsAsync() =>
        [.. (await Within(Registry.ListAsync(new ConnectionQuery()))).Select(r => r.ConnectionId).Order(StringComparer.Ordinal)];

    private async Task<string[]> MembersAsync() => [.. (await Within(Groups.ListAsync("chat", "prod", "room"))).Order(StringComparer.Ordinal)];

    private async Task<string[]> RunIdsAsync() => [.. (await Within(Registry.ListRunsAsync())).Select(r => r.RunId).Order(StringComparer.Ordinal)];
}
