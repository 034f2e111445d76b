using Switchboard.Registry;

namespace Switchboard.Tests.Registry;

/// <summary>What every <see cref="IConnectionRegistry"/> must do; each back end's class only supplies the factory.</summary>
public abstract class ConnectionRegistryContractTests : IAsyncLifetime
{
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static readonly DateTimeOffset Epoch = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private IConnectionRegistry? _registry;

    protected IConnectionRegistry Registry => _registry ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>A new, empty registry; the subclass disposes whatever it made in <see cref="DisposeStoreAsync"/>.</summary>
    protected abstract Task<IConnectionRegistry> CreateAsync();

    protected abstract Task DisposeStoreAsync();

    public async Task InitializeAsync() => _registry = await CreateAsync().WaitAsync(Timeout);

    public Task DisposeAsync() => DisposeStoreAsync().WaitAsync(Timeout);

    protected static ConnectionRecord Record(
        string id,
        string api = "chat",
        string stage = "prod",
        string nodeId = "node-a",
        string runId = "run-1",
        int connectedAtMs = 0,
        string? userAgent = "test-agent/1.0") => new(
        ConnectionId: id,
        Api: api,
        Stage: stage,
        ConnectedAt: Epoch.AddMilliseconds(connectedAtMs),
        LastActiveAt: Epoch.AddMilliseconds(connectedAtMs),
        SourceIp: "192.0.2.7",
        UserAgent: userAgent,
        NodeId: nodeId,
        RunId: runId);

    protected static async Task Within(ValueTask task) => await task.AsTask().WaitAsync(Timeout);

    protected static async Task<T> Within<T>(ValueTask<T> task) => await task.AsTask().WaitAsync(Timeout);

    [Fact]
    public async Task Add_ThenGet_ReturnsTheSameRecord()
    {
        var record = Record("conn000000000001");

        await Within(Registry.AddAsync(record));

        Assert.Equal(record, await Within(Registry.GetAsync(record.ConnectionId)));
    }

    [Fact]
    public async Task Add_WithoutUserAgent_KeepsItNull()
    {
        var record = Record("conn000000000002", userAgent: null);

        await Within(Registry.AddAsync(record));

        Assert.Null((await Within(Registry.GetAsync(record.ConnectionId)))!.UserAgent);
    }

    [Fact]
    public async Task Get_UnknownId_ReturnsNull()
    {
        Assert.Null(await Within(Registry.GetAsync("nosuchconnection")));
    }

    [Fact]
    public async Task Add_ExistingId_ReplacesTheRow()
    {
        await Within(Registry.AddAsync(Record("conn000000000003", stage: "dev")));
        var replacement = Record("conn000000000003", stage: "prod", runId: "run-2");

        await Within(Registry.AddAsync(replacement));

        Assert.Equal(replacement, await Within(Registry.GetAsync("conn000000000003")));
        Assert.Single(await Within(Registry.ListAsync(new ConnectionQuery())));
    }

    [Fact]
    public async Task Remove_DeletesTheRow()
    {
        await Within(Registry.AddAsync(Record("conn000000000004")));
        await Within(Registry.AddAsync(Record("conn000000000005")));

        await Within(Registry.RemoveAsync("conn000000000004"));

        Assert.Null(await Within(Registry.GetAsync("conn000000000004")));
        Assert.NotNull(await Within(Registry.GetAsync("conn000000000005")));
    }

    [Fact]
    public async Task Remove_AbsentId_Succeeds()
    {
        await Within(Registry.RemoveAsync("nosuchconnection"));

        Assert.Empty(await Within(Registry.ListAsync(new ConnectionQuery())));
    }

    [Fact]
    public async Task List_AppliesEveryGivenFilter()
    {
        await Within(Registry.AddAsync(Record("a", api: "chat", stage: "prod", nodeId: "n1", connectedAtMs: 1)));
        await Within(Registry.AddAsync(Record("b", api: "chat", stage: "dev", nodeId: "n2", connectedAtMs: 2)));
        await Within(Registry.AddAsync(Record("c", api: "game", stage: "prod", nodeId: "n1", connectedAtMs: 3)));
        await Within(Registry.AddAsync(Record("d", api: "chat", stage: "prod", nodeId: "n2", connectedAtMs: 4)));

        Assert.Equal(["a", "b", "c", "d"], await Ids(new ConnectionQuery()));
        Assert.Equal(["a", "b", "d"], await Ids(new ConnectionQuery(Api: "chat")));
        Assert.Equal(["a", "d"], await Ids(new ConnectionQuery(Api: "chat", Stage: "prod")));
        Assert.Equal(["a", "c"], await Ids(new ConnectionQuery(NodeId: "n1")));
        Assert.Equal(["d"], await Ids(new ConnectionQuery(Api: "chat", Stage: "prod", NodeId: "n2")));
        Assert.Empty(await Ids(new ConnectionQuery(Api: "nosuchapi")));
    }

    [Fact]
    public async Task List_ReturnsOldestConnectionFirst()
    {
        await Within(Registry.AddAsync(Record("late", connectedAtMs: 300)));
        await Within(Registry.AddAsync(Record("early", connectedAtMs: 100)));
        await Within(Registry.AddAsync(Record("middle", connectedAtMs: 200)));

        Assert.Equal(["early", "middle", "late"], await Ids(new ConnectionQuery()));
    }

    [Fact]
    public async Task UpdateLastActive_MovesExistingRowsAndIgnoresUnknownIds()
    {
        await Within(Registry.AddAsync(Record("conn000000000006")));
        var later = Record("x").LastActiveAt.AddSeconds(42);

        await Within(Registry.UpdateLastActiveAsync(
            [new LastActiveUpdate("conn000000000006", later), new LastActiveUpdate("nosuchconnection", later)]));

        Assert.Equal(later, (await Within(Registry.GetAsync("conn000000000006")))!.LastActiveAt);
        Assert.Null(await Within(Registry.GetAsync("nosuchconnection")));
        Assert.Single(await Within(Registry.ListAsync(new ConnectionQuery())));
    }

    [Fact]
    public async Task UpdateLastActive_OlderTime_DoesNotMoveItBack()
    {
        var record = Record("conn000000000007", connectedAtMs: 5000);
        await Within(Registry.AddAsync(record));

        await Within(Registry.UpdateLastActiveAsync([new LastActiveUpdate(record.ConnectionId, record.LastActiveAt.AddSeconds(-1))]));

        Assert.Equal(record.LastActiveAt, (await Within(Registry.GetAsync(record.ConnectionId)))!.LastActiveAt);
    }

    [Fact]
    public async Task Heartbeat_AddsTheRunWithItsNodeAndTime()
    {
        await Within(Registry.HeartbeatAsync("run-1", "node-a", Epoch.AddSeconds(5)));

        Assert.Equal([new RunRecord("run-1", "node-a", Epoch.AddSeconds(5))], await Within(Registry.ListRunsAsync()));
    }

    [Fact]
    public async Task Heartbeat_Again_MovesTheTimeForward_ButNeverBack()
    {
        await Within(Registry.HeartbeatAsync("run-1", "node-a", Epoch.AddSeconds(5)));
        await Within(Registry.HeartbeatAsync("run-1", "node-a", Epoch.AddSeconds(10)));
        await Within(Registry.HeartbeatAsync("run-1", "node-a", Epoch.AddSeconds(7)));

        Assert.Equal(Epoch.AddSeconds(10), Assert.Single(await Within(Registry.ListRunsAsync())).HeartbeatAt);
    }

    [Fact]
    public async Task ListRuns_NamesEachRunOnce_AndRunsKnownOnlyFromRowsWithoutNodeOrHeartbeat()
    {
        await Within(Registry.HeartbeatAsync("beating", "node-a", Epoch));
        await Within(Registry.AddAsync(Record("a", runId: "beating")));
        await Within(Registry.AddAsync(Record("b", runId: "beating")));
        await Within(Registry.AddAsync(Record("c", nodeId: "old-host:8080", runId: "silent")));
        await Within(Registry.AddAsync(Record("d", nodeId: "old-host:8080", runId: "silent")));

        var runs = (await Within(Registry.ListRunsAsync())).OrderBy(r => r.RunId, StringComparer.Ordinal);

        Assert.Equal([new RunRecord("beating", "node-a", Epoch), new RunRecord("silent", null, null)], runs);
    }

    [Fact]
    public async Task RemoveRun_RemovesItsRowsAndTheRun_KeepsOtherRuns_AndCountsTheRows()
    {
        await Within(Registry.HeartbeatAsync("gone", "node-a", Epoch));
        await Within(Registry.HeartbeatAsync("kept", "node-b", Epoch));
        await Within(Registry.AddAsync(Record("a", runId: "gone")));
        await Within(Registry.AddAsync(Record("b", nodeId: "node-b", runId: "gone")));
        await Within(Registry.AddAsync(Record("c", nodeId: "node-b", runId: "kept")));

        Assert.Equal(2, await Within(Registry.RemoveRunAsync("gone")));

        Assert.Equal(["c"], await Ids(new ConnectionQuery()));
        Assert.Equal(["kept"], (await Within(Registry.ListRunsAsync())).Select(r => r.RunId));
        Assert.Equal(0, await Within(Registry.RemoveRunAsync("gone")));
    }

    [Fact]
    public async Task ConcurrentAdds_AllLand()
    {
        const int Count = 500;
        var records = Enumerable.Range(0, Count).Select(i => Record($"conn{i:D12}", connectedAtMs: i)).ToArray();

        await Task.WhenAll(records.Select(r => Task.Run(() => Registry.AddAsync(r).AsTask()))).WaitAsync(Timeout);

        var listed = await Within(Registry.ListAsync(new ConnectionQuery()));
        Assert.Equal(records.Select(r => r.ConnectionId), listed.Select(r => r.ConnectionId));
    }

    [Fact]
    public async Task Ping_ReturnsTrue()
    {
        Assert.True(await Within(Registry.PingAsync()));
    }

    private async Task<string[]> Ids(ConnectionQuery query) =>
        (await Within(Registry.ListAsync(query))).Select(r => r.ConnectionId).ToArray();
}
