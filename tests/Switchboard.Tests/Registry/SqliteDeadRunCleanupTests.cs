using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Groups;
using Switchboard.Registry;
using Switchboard.Sqlite;

namespace Switchboard.Tests.Registry;

public sealed class SqliteDeadRunCleanupTests : DeadRunCleanupContractTests
{
    private readonly TempDataDirectory _directory = new();
    private SqliteDatabase? _database;
    private SqliteConnectionRegistry? _registry;

    protected override Task<(IConnectionRegistry Registry, IGroupStore Groups)> CreateAsync()
    {
        _database = SqliteDatabase.Open(_directory.Path);
        _registry = new SqliteConnectionRegistry(_database, NullLogger<SqliteConnectionRegistry>.Instance);
        return Task.FromResult<(IConnectionRegistry, IGroupStore)>((_registry, new SqliteGroupStore(_database)));
    }

    protected override async Task DisposeStoresAsync()
    {
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }

        _database?.Dispose();
        _directory.Dispose();
    }
}
