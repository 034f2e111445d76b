using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Switchboard.Auth;

namespace Switchboard.Sqlite;

/// <summary>
/// API keys in the <c>api_keys</c> table, as HMAC-SHA256 hashes under one salt kept in <c>meta</c>. Nothing is
/// cached but the salt (which never changes once written), so a key the CLI creates or revokes in another process
/// counts on the next request.
/// </summary>
public sealed class SqliteApiKeyStore : IApiKeyStore
{
    private readonly SqliteDatabase _database;
    private readonly TimeProvider _timeProvider;
    private byte[]? _salt;

    public SqliteApiKeyStore(SqliteDatabase database, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public ValueTask<ApiKeyRecord> CreateAsync(string name, string value, string? plan, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(value);
        cancellationToken.ThrowIfCancellationRequested();

        var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(_timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        using var connection = _database.OpenConnection();
        var hash = ApiKeyHash.Compute(GetSalt(connection), value);
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO api_keys (name, hash, plan, created_at) VALUES ($name, $hash, $plan, $createdAt);";
        insert.Parameters.AddWithValue("$name", name);
        insert.Parameters.AddWithValue("$hash", hash);
        insert.Parameters.AddWithValue("$plan", (object?)plan ?? DBNull.Value);
        insert.Parameters.AddWithValue("$createdAt", createdAt.ToUnixTimeMilliseconds());
        try
        {
            insert.ExecuteNonQuery();
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SQLitePCL.raw.SQLITE_CONSTRAINT)
        {
            // Which constraint failed is read back rather than parsed from SQLite's message text.
            throw new ApiKeyConflictException(NameExists(connection, name)
                ? $"An API key named '{name}' already exists; choose another name or revoke that key first."
                : $"Cannot create API key '{name}': another key already has that value; use a different value.");
        }

        return ValueTask.FromResult(new ApiKeyRecord(name, plan, createdAt));
    }

    public ValueTask<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, plan, created_at FROM api_keys ORDER BY name;";
        using var reader = command.ExecuteReader();
        var keys = new List<ApiKeyRecord>();
        while (reader.Read())
        {
            keys.Add(ReadRecord(reader, 0));
        }

        return ValueTask.FromResult<IReadOnlyList<ApiKeyRecord>>(keys);
    }

    public ValueTask<bool> RevokeAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM api_keys WHERE name = $name;";
        command.Parameters.AddWithValue("$name", name);
        return ValueTask.FromResult(command.ExecuteNonQuery() > 0);
    }

    public ValueTask<ApiKeyRecord?> FindByValueAsync(string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = _database.OpenConnection();
        var hash = ApiKeyHash.Compute(GetSalt(connection), value);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT hash, name, plan, created_at FROM api_keys WHERE hash = $hash;";
        command.Parameters.AddWithValue("$hash", hash);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return ValueTask.FromResult<ApiKeyRecord?>(null);
        }

        // The index lookup already matched; the fixed-time compare keeps the final yes/no free of timing differences.
        var stored = (byte[])reader.GetValue(0);
        return ValueTask.FromResult(CryptographicOperations.FixedTimeEquals(stored, hash) ? ReadRecord(reader, 1) : null);
    }

    private static ApiKeyRecord ReadRecord(SqliteDataReader reader, int first) => new(
        reader.GetString(first),
        reader.IsDBNull(first + 1) ? null : reader.GetString(first + 1),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(first + 2)));

    private static bool NameExists(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM api_keys WHERE name = $name;";
        command.Parameters.AddWithValue("$name", name);
        return command.ExecuteScalar() is not null;
    }

    private byte[] GetSalt(SqliteConnection connection) => _salt ??= SqliteKeySalt.LoadOrCreate(connection);
}
