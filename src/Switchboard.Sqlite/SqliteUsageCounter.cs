using Microsoft.Data.Sqlite;
using Switchboard.RateLimiting;

namespace Switchboard.Sqlite;

/// <summary>
/// Quota counters in the <c>usage_counters</c> table, which this store creates when it opens (idempotently, as the
/// schema's tables are). A take is one UPSERT that adds one only while the count is under the limit, so it is atomic
/// across every process on the file, and committed before the request goes on: a restart keeps the count.
/// </summary>
/// <remarks>
/// Takes in this process go one at a time under a lock, on one connection kept open with the statement prepared: SQLite
/// has one writer anyway, waiting on the lock is cheaper than SQLite's busy handler (which sleeps between retries), and
/// the kept statement doubled the rate against a pooled connection per take (about 15,000 to 30,000 takes a second,
/// eight threads, on the 2-core build machine). Expired counters are deleted at most once an hour. Dispose it before
/// the <see cref="SqliteDatabase"/>.
/// </remarks>
public sealed class SqliteUsageCounter : IUsageCounter, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS usage_counters (
            counter TEXT PRIMARY KEY NOT NULL,
            used INTEGER NOT NULL,
            expires_at INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_usage_counters_expires_at ON usage_counters (expires_at);
        """;

    // The WHERE of DO UPDATE sees the stored row: at the limit, nothing is written and RETURNING yields no row.
    private const string Take = """
        INSERT INTO usage_counters (counter, used, expires_at) VALUES ($counter, 1, $expiresAt)
        ON CONFLICT (counter) DO UPDATE SET used = used + 1 WHERE used < $limit
        RETURNING used;
        """;

    private static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private DateTimeOffset _nextPrune = DateTimeOffset.MinValue;
    private SqliteConnection? _connection;
    private SqliteCommand? _take;
    private bool _disposed;

    public SqliteUsageCounter(SqliteDatabase database, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _time = time ?? TimeProvider.System;

        using var connection = database.OpenConnection();
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Schema;
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    public ValueTask<UsageTake> TryTakeAsync(string counter, int limit, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counter);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var connection = _connection ??= _database.OpenConnection();
            PruneIfDue(connection);
            if (limit < 1)
            {
                return ValueTask.FromResult(new UsageTake(false, Read(connection, counter)));
            }

            var take = _take ??= Prepare(connection);
            take.Parameters["$counter"].Value = counter;
            take.Parameters["$expiresAt"].Value = expiresAt.ToUnixTimeMilliseconds();
            take.Parameters["$limit"].Value = limit;
            return ValueTask.FromResult(take.ExecuteScalar() is long used
                ? new UsageTake(true, used)
                : new UsageTake(false, Read(connection, counter)));
        }
    }

    public ValueTask<long> GetAsync(string counter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counter);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = _database.OpenConnection();
        return ValueTask.FromResult(Read(connection, counter));
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _take?.Dispose();
            _connection?.Dispose();
        }
    }

    private static SqliteCommand Prepare(SqliteConnection connection)
    {
        var take = connection.CreateCommand();
        take.CommandText = Take;
        take.Parameters.Add("$counter", SqliteType.Text);
        take.Parameters.Add("$expiresAt", SqliteType.Integer);
        take.Parameters.Add("$limit", SqliteType.Integer);
        take.Prepare();
        return take;
    }

    private static long Read(SqliteConnection connection, string counter)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT used FROM usage_counters WHERE counter = $counter;";
        command.Parameters.AddWithValue("$counter", counter);
        return command.ExecuteScalar() is long used ? used : 0;
    }

    private void PruneIfDue(SqliteConnection connection)
    {
        var now = _time.GetUtcNow();
        if (now < _nextPrune)
        {
            return;
        }

        _nextPrune = now + PruneInterval;
        using var prune = connection.CreateCommand();
        prune.CommandText = "DELETE FROM usage_counters WHERE expires_at <= $now;";
        prune.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        prune.ExecuteNonQuery();
    }
}
