using Microsoft.Data.Sqlite;

namespace Switchboard.Sqlite;

/// <summary>
/// The tables, created idempotently: two processes opening a new file at once both succeed, and a file made by an
/// earlier version gains what it lacks (the <c>runs</c> table, the run id indexes, the <c>principal_id</c> column)
/// without losing a row.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>A column a later version added, given to a file made before it (existing rows get NULL).</summary>
    private static void AddColumnIfMissing(SqliteConnection connection, SqliteTransaction transaction, string table, string column, string type)
    {
        using var columns = connection.CreateCommand();
        columns.Transaction = transaction;
        columns.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}';";
        if (Convert.ToInt64(columns.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0)
        {
            return;
        }

        using var alter = connection.CreateCommand();
        alter.Transaction = transaction;
        alter.CommandText = $"ALTER TABLE {table} ADD COLUMN {column} {type};";
        alter.ExecuteNonQuery();
    }

    public const string KeySaltMetaKey = "api_key_salt";

    // Timestamps are Unix milliseconds (INTEGER): sortable, compact, and exact for the millisecond precision the
    // records promise.
    private const string Tables = """
        CREATE TABLE IF NOT EXISTS connections (
            id TEXT PRIMARY KEY NOT NULL,
            api TEXT NOT NULL,
            stage TEXT NOT NULL,
            connected_at INTEGER NOT NULL,
            last_active_at INTEGER NOT NULL,
            source_ip TEXT NOT NULL,
            user_agent TEXT NULL,
            node_id TEXT NOT NULL,
            run_id TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_connections_api_stage ON connections (api, stage);
        CREATE INDEX IF NOT EXISTS ix_connections_node_id ON connections (node_id);
        CREATE TABLE IF NOT EXISTS api_keys (
            name TEXT PRIMARY KEY NOT NULL,
            hash BLOB NOT NULL UNIQUE,
            plan TEXT NULL,
            created_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS group_members (
            api TEXT NOT NULL,
            stage TEXT NOT NULL,
            grp TEXT NOT NULL,
            connection_id TEXT NOT NULL,
            node_id TEXT NOT NULL,
            run_id TEXT NOT NULL,
            PRIMARY KEY (api, stage, grp, connection_id));
        CREATE INDEX IF NOT EXISTS ix_group_members_connection ON group_members (connection_id);
        CREATE INDEX IF NOT EXISTS ix_connections_run_id ON connections (run_id);
        CREATE INDEX IF NOT EXISTS ix_group_members_run_id ON group_members (run_id);
        DROP INDEX IF EXISTS ix_group_members_node;
        CREATE TABLE IF NOT EXISTS runs (
            run_id TEXT PRIMARY KEY NOT NULL,
            node_id TEXT NOT NULL,
            heartbeat_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS meta (
            key TEXT PRIMARY KEY NOT NULL,
            value BLOB NOT NULL);
        """;

    public static void Create(SqliteConnection connection)
    {
        // journal_mode cannot change inside a transaction. WAL is a property of the file, so this persists, and it
        // lets readers run while the group-commit writer holds the write lock.
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            wal.ExecuteNonQuery();
        }

        // BEGIN IMMEDIATE takes the write lock up front, so a second process waits on busy_timeout and then finds
        // the tables there, instead of failing to upgrade a read lock.
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Tables;
        command.ExecuteNonQuery();
        AddColumnIfMissing(connection, transaction, "connections", "principal_id", "TEXT NULL");
        transaction.Commit();
    }
}
