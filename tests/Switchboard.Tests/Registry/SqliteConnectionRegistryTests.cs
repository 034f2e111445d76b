using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Registry;
using Switchboard.Sqlite;

namespace Switchboard.Tests.Registry;

public sealed class SqliteConnectionRegistryTests : ConnectionRegistryContractTests
{
    private readonly TempDataDirectory _directory = new();
    private SqliteDatabase? _database;
    private SqliteConnectionRegistry? _registry;

    private SqliteConnectionRegistry Sqlite => _registry ?? throw new InvalidOperationException("Not initialized.");

    protected override Task<IConnectionRegistry> CreateAsync()
    {
        _database = SqliteDatabase.Open(_directory.Path);
        _registry = NewRegistry(_database);
        return Task.FromResult<IConnectionRegistry>(_registry);
    }

    protected override async Task DisposeStoreAsync()
    {
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }

        _database?.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void Open_CreatesTheDatabaseFileInTheDataDirectory()
    {
        Assert.Equal(Path.Combine(_directory.Path, "switchboard.db"), _database!.FilePath);
        Assert.True(File.Exists(_database.FilePath));
    }

    [Fact]
    public async Task Rows_SurviveReopeningTheStore()
    {
        var record = Record("conn000000000001", userAgent: null);
        await Within(Registry.AddAsync(record));
        await Sqlite.DisposeAsync().AsTask().WaitAsync(Timeout);
        _database!.Dispose();

        using var reopened = SqliteDatabase.Open(_directory.Path);
        await using var registry = NewRegistry(reopened);

        Assert.Equal(record, await Within(registry.GetAsync(record.ConnectionId)));
    }

    [Fact]
    public async Task SecondStoreOnTheSameFile_SeesCommittedRowsAtOnce()
    {
        using var otherDatabase = SqliteDatabase.Open(_directory.Path);
        await using var other = NewRegistry(otherDatabase);

        await Within(Registry.AddAsync(Record("conn000000000002")));
        Assert.NotNull(await Within(other.GetAsync("conn000000000002")));

        await Within(other.RemoveAsync("conn000000000002"));
        Assert.Null(await Within(Registry.GetAsync("conn000000000002")));
    }

    [Fact]
    public async Task ConcurrentAdds_ShareTransactions()
    {
        const int Count = 500;
        var before = Sqlite.CommittedBatches;

        // Queued from one thread without awaiting, as a burst of handshakes would: the writer must batch them.
        var adds = Enumerable.Range(0, Count).Select(i => Registry.AddAsync(Record($"burst{i:D11}")).AsTask()).ToArray();
        await Task.WhenAll(adds).WaitAsync(Timeout);

        var commits = Sqlite.CommittedBatches - before;
        Assert.InRange(commits, 1, Count / 5);
        Assert.Equal(Count, (await Within(Registry.ListAsync(new ConnectionQuery()))).Count);
    }

    [Fact]
    public async Task Dispose_CommitsWritesStillQueued()
    {
        var adds = Enumerable.Range(0, 200).Select(i => Registry.AddAsync(Record($"queued{i:D10}")).AsTask()).ToArray();

        await Sqlite.DisposeAsync().AsTask().WaitAsync(Timeout);

        Assert.All(adds, add => Assert.True(add.IsCompletedSuccessfully));
        using var reopened = SqliteDatabase.Open(_directory.Path);
        await using var registry = NewRegistry(reopened);
        Assert.Equal(200, (await Within(registry.ListAsync(new ConnectionQuery()))).Count);
    }

    [Fact]
    public async Task AfterDispose_WritesThrowObjectDisposedAndPingIsFalse()
    {
        await Sqlite.DisposeAsync().AsTask().WaitAsync(Timeout);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => Within(Registry.AddAsync(Record("conn000000000003"))));
        Assert.False(await Within(Registry.PingAsync()));
    }

    [Fact]
    public async Task ListedTimestamps_AreUtc()
    {
        var local = new DateTimeOffset(2025, 3, 1, 14, 0, 0, TimeSpan.FromHours(2));
        await Within(Registry.AddAsync(Record("conn000000000004") with { ConnectedAt = local, LastActiveAt = local }));

        var stored = (await Within(Registry.GetAsync("conn000000000004")))!;

        Assert.Equal(TimeSpan.Zero, stored.ConnectedAt.Offset);
        Assert.Equal(local, stored.ConnectedAt);
    }

    [Fact]
    public async Task AFileFromBeforeHeartbeats_GainsTheRunsTable_AndKeepsItsRows()
    {
        using var older = new TempDataDirectory();
        var file = Path.Combine(older.Path, SqliteDatabase.FileName);
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();

            // The connections table as the first release made it, with one row; no runs table.
            command.CommandText = """
                CREATE TABLE connections (id TEXT PRIMARY KEY NOT NULL, api TEXT NOT NULL, stage TEXT NOT NULL,
                    connected_at INTEGER NOT NULL, last_active_at INTEGER NOT NULL, source_ip TEXT NOT NULL,
                    user_agent TEXT NULL, node_id TEXT NOT NULL, run_id TEXT NOT NULL);
                INSERT INTO connections VALUES ('conn000000000009', 'chat', 'prod', 0, 0, '192.0.2.7', NULL, 'old-host:8080', 'old-run');
                """;
            await command.ExecuteNonQueryAsync();
        }

        using var database = SqliteDatabase.Open(older.Path);
        await using var registry = NewRegistry(database);

        Assert.NotNull(await Within(registry.GetAsync("conn000000000009")));
        Assert.Equal([new RunRecord("old-run", null, null)], await Within(registry.ListRunsAsync()));
        await Within(registry.HeartbeatAsync("new-run", "new-host:8080", DateTimeOffset.UnixEpoch));
        Assert.Equal(2, (await Within(registry.ListRunsAsync())).Count);
    }

    private static SqliteConnectionRegistry NewRegistry(SqliteDatabase database) =>
        new(database, NullLogger<SqliteConnectionRegistry>.Instance);
}
