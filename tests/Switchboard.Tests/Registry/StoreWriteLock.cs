using Microsoft.Data.Sqlite;
using Switchboard.Sqlite;

namespace Switchboard.Tests.Registry;

/// <summary>
/// Another process's hold on a store's SQLite write lock (the keys CLI, a backup tool, a stuck writer): an open write
/// transaction until disposed, when it rolls back and lets go.
/// </summary>
internal sealed class StoreWriteLock : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;

    private StoreWriteLock(SqliteConnection connection, SqliteTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    public static async Task<StoreWriteLock> TakeAsync(string dataDirectory)
    {
        // Not pooled, so disposing really closes the connection.
        var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, SqliteDatabase.FileName)};Pooling=False");
        await connection.OpenAsync();
        var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable);
        await using (var write = connection.CreateCommand())
        {
            write.Transaction = transaction;
            write.CommandText = "INSERT OR REPLACE INTO meta (key, value) VALUES ('lock-test', x'00');";
            await write.ExecuteNonQueryAsync();
        }

        return new StoreWriteLock(connection, transaction);
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.RollbackAsync();
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
