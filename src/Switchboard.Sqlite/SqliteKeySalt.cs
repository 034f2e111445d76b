using Microsoft.Data.Sqlite;
using Switchboard.Auth;

namespace Switchboard.Sqlite;

/// <summary>The store's one key salt, created on first use and kept in <c>meta</c>.</summary>
internal static class SqliteKeySalt
{
    /// <summary>
    /// Two processes may race to create the salt: each offers a fresh one with INSERT OR IGNORE and then both read
    /// back whichever landed first, so every process hashes with the same salt.
    /// </summary>
    public static byte[] LoadOrCreate(SqliteConnection connection)
    {
        using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT OR IGNORE INTO meta (key, value) VALUES ($key, $value);";
            insert.Parameters.AddWithValue("$key", SqliteSchema.KeySaltMetaKey);
            insert.Parameters.AddWithValue("$value", ApiKeyHash.NewSalt());
            insert.ExecuteNonQuery();
        }

        using var select = connection.CreateCommand();
        select.CommandText = "SELECT value FROM meta WHERE key = $key;";
        select.Parameters.AddWithValue("$key", SqliteSchema.KeySaltMetaKey);
        var salt = select.ExecuteScalar() as byte[];
        if (salt is not { Length: ApiKeyHash.SaltBytes })
        {
            throw new InvalidOperationException(
                $"The API key salt in meta is missing or not {ApiKeyHash.SaltBytes} bytes; the database file is damaged. Restore it from a backup.");
        }

        return salt;
    }
}
