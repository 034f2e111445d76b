using Microsoft.Data.Sqlite;
using Switchboard.Access;

namespace Switchboard.Sqlite;

/// <summary>
/// Management API credentials in the SQLite file, the secret sealed by <see cref="CredentialCipher"/>. Every lookup
/// reads the table, so a credential created or revoked by the CLI while a server runs counts at the next request.
/// </summary>
public sealed class SqliteCredentialStore : ICredentialStore
{
    private const string Table = """
        CREATE TABLE IF NOT EXISTS credentials (
            access_key_id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL UNIQUE,
            secret BLOB NOT NULL,
            policy TEXT NOT NULL,
            created_at INTEGER NOT NULL);
        """;

    private readonly SqliteDatabase _database;
    private readonly CredentialCipher _cipher;

    private readonly Microsoft.Extensions.Logging.ILogger? _logger;
    private int _unreadableLogged;

    // The logger hears (once) of a credential whose secret this key cannot open.
    public SqliteCredentialStore(SqliteDatabase database, CredentialCipher cipher, Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        _logger = logger;
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(cipher);
        _database = database;
        _cipher = cipher;
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = Table;
        command.ExecuteNonQuery();
    }

    public ValueTask<AccessCredential?> FindAsync(string accessKeyId, CancellationToken cancellationToken = default)
    {
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT access_key_id, name, secret, policy, created_at FROM credentials WHERE access_key_id = $id;";
        command.Parameters.AddWithValue("$id", accessKeyId);
        using var reader = command.ExecuteReader();
        try
        {
            return ValueTask.FromResult(reader.Read() ? Read(reader, withSecret: true) : null);
        }
        catch (InvalidOperationException ex)
        {
            // Sealed under another key: it cannot sign anything here, so it is as good as unknown (403, not a 500).
            if (Interlocked.Exchange(ref _unreadableLogged, 1) == 0)
            {
                Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(_logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, "{Problem}; such credentials are refused. Use the key they were created with, or revoke and create them again", ex.Message);
            }

            return ValueTask.FromResult<AccessCredential?>(null);
        }
    }

    public ValueTask<bool> CreateAsync(AccessCredential credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT OR IGNORE INTO credentials (access_key_id, name, secret, policy, created_at)
            VALUES ($id, $name, $secret, $policy, $created);
            """;
        command.Parameters.AddWithValue("$id", credential.AccessKeyId);
        command.Parameters.AddWithValue("$name", credential.Name);
        command.Parameters.AddWithValue("$secret", _cipher.Encrypt(credential.AccessKeyId, credential.SecretAccessKey));
        command.Parameters.AddWithValue("$policy", credential.Policy.Json);
        command.Parameters.AddWithValue("$created", credential.CreatedAt.ToUnixTimeMilliseconds());
        return ValueTask.FromResult(command.ExecuteNonQuery() == 1);
    }

    public ValueTask<IReadOnlyList<AccessCredential>> ListAsync(CancellationToken cancellationToken = default)
    {
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT access_key_id, name, secret, policy, created_at FROM credentials ORDER BY created_at, name;";
        using var reader = command.ExecuteReader();
        var all = new List<AccessCredential>();
        while (reader.Read())
        {
            all.Add(Read(reader, withSecret: false));
        }

        return ValueTask.FromResult<IReadOnlyList<AccessCredential>>(all);
    }

    public ValueTask<bool> RevokeAsync(string accessKeyIdOrName, CancellationToken cancellationToken = default)
    {
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM credentials WHERE access_key_id = $value OR name = $value;";
        command.Parameters.AddWithValue("$value", accessKeyIdOrName);
        return ValueTask.FromResult(command.ExecuteNonQuery() > 0);
    }

    private AccessCredential Read(SqliteDataReader reader, bool withSecret)
    {
        var accessKeyId = reader.GetString(0);
        return new AccessCredential(
            accessKeyId,
            withSecret ? _cipher.Decrypt(accessKeyId, (byte[])reader.GetValue(2)) : "",
            reader.GetString(1),
            AccessPolicy.Parse(reader.GetString(3)),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)));
    }
}
