using System.Net;
using Microsoft.Data.Sqlite;
using Switchboard.Sqlite;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Registry;

/// <summary>
/// <c>/readyz</c> says whether the store accepts writes, not only reads: a SQLite file another process keeps locked
/// for writing makes it 503 within about a second, and it is 200 again as soon as the lock goes.
/// </summary>
public sealed class SqliteReadinessTests
{
    [Fact]
    public async Task WriteLockedDatabase_MakesReadyz503_UntilTheLockGoes()
    {
        using var dataDir = new TempDataDirectory();
        await using var server = await GatewayServer.StartAsync(dataDir: dataDir.Path);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/readyz")).StatusCode);

        // Another process (the keys CLI, a backup tool, a stuck writer) holding the write lock.
        await using (var other = new SqliteConnection($"Data Source={Path.Combine(dataDir.Path, SqliteDatabase.FileName)}"))
        {
            await other.OpenAsync();
            await using var transaction = (SqliteTransaction)await other.BeginTransactionAsync(System.Data.IsolationLevel.Serializable);
            await using (var write = other.CreateCommand())
            {
                write.Transaction = transaction;
                write.CommandText = "INSERT OR REPLACE INTO meta (key, value) VALUES ('lock-test', x'00');";
                await write.ExecuteNonQueryAsync();
            }

            using var locked = await server.Http.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, locked.StatusCode);
            Assert.Contains("\"status\":\"unavailable\"", await locked.Content.ReadAsStringAsync());
            await transaction.RollbackAsync();
        }

        SqliteConnection.ClearAllPools();
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/readyz")).StatusCode);
    }
}
