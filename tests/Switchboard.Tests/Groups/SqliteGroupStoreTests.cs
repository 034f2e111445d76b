using Switchboard.Groups;
using Switchboard.Sqlite;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Groups;

public sealed class SqliteGroupStoreTests : GroupStoreContractTests
{
    private readonly TempDirectory _directory = new();
    private SqliteDatabase? _database;

    protected override Task<IGroupStore> CreateAsync()
    {
        _database = SqliteDatabase.Open(_directory.Path);
        return Task.FromResult<IGroupStore>(new SqliteGroupStore(_database));
    }

    protected override Task DisposeStoreAsync()
    {
        _database?.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Memberships_SurviveReopeningTheDatabase()
    {
        await Within(Store.AddAsync(Member("conn000000000002")));
        await Within(Store.AddAsync(Member("conn000000000001")));
        _database!.Dispose();

        using var reopened = SqliteDatabase.Open(_directory.Path);
        var store = new SqliteGroupStore(reopened);

        Assert.Equal(["conn000000000002", "conn000000000001"], await Within(store.ListAsync("chat", "prod", "room1")));
    }

    [Fact]
    public async Task TwoDatabaseHandlesOnOneFile_SeeEachOthersWrites()
    {
        using var otherDatabase = SqliteDatabase.Open(_directory.Path);
        var other = new SqliteGroupStore(otherDatabase);

        await Within(Store.AddAsync(Member("conn000000000001")));
        Assert.Equal(["conn000000000001"], await Within(other.ListAsync("chat", "prod", "room1")));

        await Within(other.AddAsync(Member("conn000000000002")));
        Assert.Equal(["conn000000000001", "conn000000000002"], await ListAsync());

        await Within(other.RemoveConnectionAsync("conn000000000001"));
        Assert.Equal(["conn000000000002"], await ListAsync());

        await Within(Store.AddAsync(Member("conn000000000003", nodeId: "n1", runId: "old")));
        Assert.Equal(1, await Within(other.RemoveRunAsync("old")));
        Assert.Equal(["conn000000000002"], await ListAsync());
    }

    [Fact]
    public async Task GroupNamesWithEveryAllowedCharacter_RoundTrip()
    {
        var name = "Az09_.:-" + new string('x', 120);
        await Within(Store.AddAsync(Member("conn000000000001", group: name)));

        Assert.Equal(["conn000000000001"], await ListAsync(name));
    }
}
