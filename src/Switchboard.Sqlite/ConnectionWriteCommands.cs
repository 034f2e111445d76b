using Microsoft.Data.Sqlite;
using Switchboard.Registry;

namespace Switchboard.Sqlite;

/// <summary>
/// The writer connection's statements, prepared once and reused for every write of every batch; only parameter
/// values change between executions.
/// </summary>
internal sealed class ConnectionWriteCommands : IDisposable
{
    private readonly SqliteCommand _upsert;
    private readonly SqliteCommand _delete;
    private readonly SqliteCommand _touch;
    private readonly SqliteCommand _heartbeat;
    private readonly SqliteCommand _removeRunConnections;
    private readonly SqliteCommand _removeRun;

    public ConnectionWriteCommands(SqliteConnection connection)
    {
        _upsert = Prepare(
            connection,
            """
            INSERT OR REPLACE INTO connections
                (id, api, stage, connected_at, last_active_at, source_ip, user_agent, node_id, run_id, principal_id)
            VALUES ($id, $api, $stage, $connectedAt, $lastActiveAt, $sourceIp, $userAgent, $nodeId, $runId, $principalId);
            """,
            ("$id", SqliteType.Text),
            ("$api", SqliteType.Text),
            ("$stage", SqliteType.Text),
            ("$connectedAt", SqliteType.Integer),
            ("$lastActiveAt", SqliteType.Integer),
            ("$sourceIp", SqliteType.Text),
            ("$userAgent", SqliteType.Text),
            ("$nodeId", SqliteType.Text),
            ("$runId", SqliteType.Text),
            ("$principalId", SqliteType.Text));

        _delete = Prepare(connection, "DELETE FROM connections WHERE id = $id;", ("$id", SqliteType.Text));

        // The guard keeps a late, older flush from moving lastActiveAt backwards.
        _touch = Prepare(
            connection,
            "UPDATE connections SET last_active_at = $lastActiveAt WHERE id = $id AND last_active_at < $lastActiveAt;",
            ("$id", SqliteType.Text),
            ("$lastActiveAt", SqliteType.Integer));

        // max() keeps a late, older heartbeat from moving the time back.
        _heartbeat = Prepare(
            connection,
            """
            INSERT INTO runs (run_id, node_id, heartbeat_at) VALUES ($runId, $nodeId, $at)
            ON CONFLICT (run_id) DO UPDATE SET node_id = excluded.node_id, heartbeat_at = max(heartbeat_at, excluded.heartbeat_at);
            """,
            ("$runId", SqliteType.Text),
            ("$nodeId", SqliteType.Text),
            ("$at", SqliteType.Integer));

        _removeRunConnections = Prepare(connection, "DELETE FROM connections WHERE run_id = $runId;", ("$runId", SqliteType.Text));
        _removeRun = Prepare(connection, "DELETE FROM runs WHERE run_id = $runId;", ("$runId", SqliteType.Text));
    }

    /// <summary>Microsoft.Data.Sqlite refuses to run a command whose transaction is not the connection's current one.</summary>
    public void Enlist(SqliteTransaction transaction)
    {
        _upsert.Transaction = transaction;
        _delete.Transaction = transaction;
        _touch.Transaction = transaction;
        _heartbeat.Transaction = transaction;
        _removeRunConnections.Transaction = transaction;
        _removeRun.Transaction = transaction;
    }

    public void Upsert(ConnectionRecord record)
    {
        var parameters = _upsert.Parameters;
        parameters[0].Value = record.ConnectionId;
        parameters[1].Value = record.Api;
        parameters[2].Value = record.Stage;
        parameters[3].Value = record.ConnectedAt.ToUnixTimeMilliseconds();
        parameters[4].Value = record.LastActiveAt.ToUnixTimeMilliseconds();
        parameters[5].Value = record.SourceIp;
        parameters[6].Value = (object?)record.UserAgent ?? DBNull.Value;
        parameters[7].Value = record.NodeId;
        parameters[8].Value = record.RunId;
        parameters[9].Value = (object?)record.PrincipalId ?? DBNull.Value;
        _upsert.ExecuteNonQuery();
    }

    public void Delete(string connectionId)
    {
        _delete.Parameters[0].Value = connectionId;
        _delete.ExecuteNonQuery();
    }

    public void UpdateLastActive(LastActiveUpdate update)
    {
        _touch.Parameters[0].Value = update.ConnectionId;
        _touch.Parameters[1].Value = update.LastActiveAt.ToUnixTimeMilliseconds();
        _touch.ExecuteNonQuery();
    }

    public void Heartbeat(string runId, string nodeId, DateTimeOffset at)
    {
        var parameters = _heartbeat.Parameters;
        parameters[0].Value = runId;
        parameters[1].Value = nodeId;
        parameters[2].Value = at.ToUnixTimeMilliseconds();
        _heartbeat.ExecuteNonQuery();
    }

    /// <summary>Removes the run's connection rows and the run; returns how many rows.</summary>
    public int RemoveRun(string runId)
    {
        _removeRunConnections.Parameters[0].Value = runId;
        _removeRun.Parameters[0].Value = runId;
        var removed = _removeRunConnections.ExecuteNonQuery();
        _removeRun.ExecuteNonQuery();
        return removed;
    }

    public void Dispose()
    {
        _upsert.Dispose();
        _delete.Dispose();
        _touch.Dispose();
        _heartbeat.Dispose();
        _removeRunConnections.Dispose();
        _removeRun.Dispose();
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params (string Name, SqliteType Type)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, type) in parameters)
        {
            command.Parameters.Add(name, type);
        }

        command.Prepare();
        return command;
    }
}
