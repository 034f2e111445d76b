using Switchboard.Groups;

namespace Switchboard.Tests.Groups;

/// <summary>What every <see cref="IGroupStore"/> must do; each back end's class only supplies the factory.</summary>
public abstract class GroupStoreContractTests : IAsyncLifetime
{
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private IGroupStore? _store;

    protected IGroupStore Store => _store ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>A new, empty store; the subclass disposes whatever it made in <see cref="DisposeStoreAsync"/>.</summary>
    protected abstract Task<IGroupStore> CreateAsync();

    protected abstract Task DisposeStoreAsync();

    public async Task InitializeAsync() => _store = await CreateAsync().WaitAsync(Timeout);

    public Task DisposeAsync() => DisposeStoreAsync().WaitAsync(Timeout);

    protected static GroupMember Member(
        string connectionId,
        string group = "room1",
        string api = "chat",
        string stage = "prod",
        string nodeId = "node-a",
        string runId = "run-1") => new(api, stage, group, connectionId, nodeId, runId);

    protected static async Task Within(ValueTask task) => await task.AsTask().WaitAsync(Timeout);

    protected static async Task<T> Within<T>(ValueTask<T> task) => await task.AsTask().WaitAsync(Timeout);

    protected Task<IReadOnlyList<string>> ListAsync(string group = "room1", string api = "chat", string stage = "prod") =>
        Within(Store.ListAsync(api, stage, group));

    [Fact]
    public async Task List_OfAGroupNobodyJoined_IsEmpty()
    {
        Assert.Empty(await ListAsync("nobody-here"));
    }

    [Fact]
    public async Task Add_ThenList_ReturnsMembersInTheOrderTheyJoined()
    {
        // Ids deliberately out of alphabetical order, so a sorted listing would fail.
        string[] ids = ["conn00000000000c", "conn00000000000a", "conn00000000000d", "conn00000000000b"];
        foreach (var id in ids)
        {
            await Within(Store.AddAsync(Member(id)));
        }

        Assert.Equal(ids, await ListAsync());
    }

    [Fact]
    public async Task AddTwice_IsOneMembership_AndKeepsItsPlace()
    {
        await Within(Store.AddAsync(Member("conn000000000001")));
        await Within(Store.AddAsync(Member("conn000000000002")));
        await Within(Store.AddAsync(Member("conn000000000001")));

        Assert.Equal(["conn000000000001", "conn000000000002"], await ListAsync());
    }

    [Fact]
    public async Task Remove_TakesOnlyThatConnectionOutOfThatGroup()
    {
        await Within(Store.AddAsync(Member("conn000000000001")));
        await Within(Store.AddAsync(Member("conn000000000002")));
        await Within(Store.AddAsync(Member("conn000000000001", group: "room2")));

        await Within(Store.RemoveAsync("chat", "prod", "room1", "conn000000000001"));

        Assert.Equal(["conn000000000002"], await ListAsync());
        Assert.Equal(["conn000000000001"], await ListAsync("room2"));
    }

    [Fact]
    public async Task Remove_OfANonMember_IsHarmless()
    {
        await Within(Store.AddAsync(Member("conn000000000001")));

        await Within(Store.RemoveAsync("chat", "prod", "room1", "conn00000000000x"));
        await Within(Store.RemoveAsync("chat", "prod", "no-such-group", "conn000000000001"));
        await Within(Store.RemoveAsync("chat", "prod", "room1", "conn000000000001"));
        await Within(Store.RemoveAsync("chat", "prod", "room1", "conn000000000001"));

        Assert.Empty(await ListAsync());
    }

    [Fact]
    public async Task RejoinAfterRemove_GoesToTheEnd()
    {
        await Within(Store.AddAsync(Member("conn000000000001")));
        await Within(Store.AddAsync(Member("conn000000000002")));
        await Within(Store.RemoveAsync("chat", "prod", "room1", "conn000000000001"));
        await Within(Store.AddAsync(Member("conn000000000001")));

        Assert.Equal(["conn000000000002", "conn000000000001"], await ListAsync());
    }

    [Fact]
    public async Task RemoveConnection_TakesThatConnectionOutOfEveryGroup_AndNobodyElse()
    {
        await Within(Store.AddAsync(Member("conn000000000001", group: "a")));
        await Within(Store.AddAsync(Member("conn000000000001", group: "b")));
        await Within(Store.AddAsync(Member("conn000000000001", group: "c", stage: "dev")));
        await Within(Store.AddAsync(Member("conn000000000002", group: "a")));
        await Within(Store.AddAsync(Member("conn000000000002", group: "b")));

        await Within(Store.RemoveConnectionAsync("conn000000000001"));

        Assert.Equal(["conn000000000002"], await ListAsync("a"));
        Assert.Equal(["conn000000000002"], await ListAsync("b"));
        Assert.Empty(await ListAsync("c", stage: "dev"));
    }

    [Fact]
    public async Task RemoveConnection_OfAConnectionInNoGroup_IsHarmless()
    {
        await Within(Store.AddAsync(Member("conn000000000001")));

        await Within(Store.RemoveConnectionAsync("conn00000000000x"));

        Assert.Equal(["conn000000000001"], await ListAsync());
    }

    [Fact]
    public async Task StagesAndApis_AreSeparateNamespaces()
    {
        await Within(Store.AddAsync(Member("conn000000000001", stage: "prod")));
        await Within(Store.AddAsync(Member("conn000000000002", stage: "dev")));
        await Within(Store.AddAsync(Member("conn000000000003", api: "other")));

        Assert.Equal(["conn000000000001"], await ListAsync(stage: "prod"));
        Assert.Equal(["conn000000000002"], await ListAsync(stage: "dev"));
        Assert.Equal(["conn000000000003"], await ListAsync(api: "other"));

        await Within(Store.RemoveAsync("chat", "dev", "room1", "conn000000000001"));
        await Within(Store.RemoveAsync("other", "prod", "room1", "conn000000000001"));
        Assert.Equal(["conn000000000001"], await ListAsync(stage: "prod"));
    }

    [Fact]
    public async Task SameConnectionAndGroupName_InTwoStages_AreTwoMemberships()
    {
        await Within(Store.AddAsync(Member("conn000000000001", stage: "prod")));
        await Within(Store.AddAsync(Member("conn000000000001", stage: "dev")));

        await Within(Store.RemoveAsync("chat", "dev", "room1", "conn000000000001"));

        Assert.Equal(["conn000000000001"], await ListAsync(stage: "prod"));
        Assert.Empty(await ListAsync(stage: "dev"));
    }

    [Fact]
    public async Task GroupNames_AreCaseSensitive()
    {
        await Within(Store.AddAsync(Member("conn000000000001", group: "Room")));

        Assert.Empty(await ListAsync("room"));
        Assert.Equal(["conn000000000001"], await ListAsync("Room"));
    }

    [Fact]
    public async Task ListRuns_NamesEachRunWithMembershipsOnce()
    {
        await Within(Store.AddAsync(Member("conn000000000001", group: "a", runId: "run-1")));
        await Within(Store.AddAsync(Member("conn000000000001", group: "b", runId: "run-1")));
        await Within(Store.AddAsync(Member("conn000000000002", group: "a", nodeId: "n2", runId: "run-2")));

        Assert.Equal(["run-1", "run-2"], (await Within(Store.ListRunsAsync())).Order(StringComparer.Ordinal));

        await Within(Store.RemoveConnectionAsync("conn000000000002"));
        Assert.Equal(["run-1"], await Within(Store.ListRunsAsync()));
    }

    [Fact]
    public async Task RemoveRun_RemovesOnlyThatRunsMemberships_WhateverTheirNode_AndCountsThem()
    {
        await Within(Store.AddAsync(Member("conn000000000001", group: "a", nodeId: "n1", runId: "gone")));
        await Within(Store.AddAsync(Member("conn000000000001", group: "b", nodeId: "n1", runId: "gone")));
        await Within(Store.AddAsync(Member("conn000000000002", group: "a", nodeId: "n2", runId: "gone")));
        await Within(Store.AddAsync(Member("conn000000000003", group: "a", nodeId: "n1", runId: "kept")));

        Assert.Equal(3, await Within(Store.RemoveRunAsync("gone")));

        Assert.Equal(["conn000000000003"], await ListAsync("a"));
        Assert.Empty(await ListAsync("b"));
        Assert.Equal(0, await Within(Store.RemoveRunAsync("gone")));
    }

    [Fact]
    public async Task ConcurrentAddsAndRemoves_LeaveExactlyTheMembersThatStayed()
    {
        var ids = Enumerable.Range(0, 100).Select(i => $"conc{i:D12}").ToArray();

        await Task.WhenAll(ids.Select(id => Task.Run(async () =>
        {
            await Within(Store.AddAsync(Member(id)));
            await Within(Store.AddAsync(Member(id, group: "other")));
            if (int.Parse(id[4..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 0)
            {
                await Within(Store.RemoveAsync("chat", "prod", "room1", id));
            }
        }))).WaitAsync(Timeout);

        Assert.Equal(ids.Where((_, i) => i % 2 == 1).Order(StringComparer.Ordinal), (await ListAsync()).Order(StringComparer.Ordinal));
        Assert.Equal(100, (await ListAsync("other")).Count);
    }
}
