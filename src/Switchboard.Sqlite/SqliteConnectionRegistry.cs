using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Switchboard.Registry;

namespace Switchboard.Sqlite;

/// <summary>
/// The connection registry in SQLite. Writes go through one group-commit writer (<see cref="SqliteConnectionWriter"/>)
/// because the gateway awaits <see cref="AddAsync"/> in every handshake; reads use pooled connections of their own
/// and, with WAL, never wait for the writer. Microsoft.Data.Sqlite has no asynchronous I/O, so reads run
/// synchronously and return completed tasks.
/// </summary>
public sealed class SqliteConnectionRegistry : IConnectionRegistry, IAsyncDisposable
{
    private const string Columns = "id, api, stage, connected_at, last_active_at, source_ip, user_agent, node_id, run_id, principal_id";

    private readonly SqliteDatabase _database;
    private readonly SqliteConnectionWriter _writer;
    private volatile bool _disposed;

    /// <summary>Starts the writer loop; dispose the registry before <paramref name="database"/>.</summary>
    public SqliteConnectionRegistry(SqliteDatabase database, ILogger<SqliteConnectionRegistry> logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(logger);
        _database = database;
        _writer = new SqliteConnectionWriter(database, logger);
    }

    /// <summary>Transactions the writer has committed; tests read it to see that concurrent writes share commits.</summary>
    internal long CommittedBatches => _writer.CommittedBatches;

    public ValueTask AddAsync(ConnectionRecord record, CancellationToken cancellationToken = default)
    {
        // Checked here because one row failing its NOT NULL constraint inside a batch would fail the whole batch.
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.ConnectionId, nameof(record));
        ArgumentNullException.ThrowIfNull(record.Api, nameof(record));
        ArgumentNullException.ThrowIfNull(record.Stage, nameof(record));
        ArgumentNullException.ThrowIfNull(record.SourceIp, nameof(record));
        ArgumentNullException.ThrowIfNull(record.NodeId, nameof(record));
        ArgumentNullException.ThrowIfNull(record.RunId, nameof(record));
        return new ValueTask(_writer.WriteAsync(new AddConnectionWrite(record), cancellationToken));
    }

    public ValueTask RemoveAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        return new ValueTask(_writer.WriteAsync(new RemoveConnectionWrite(connectionId), cancellationToken));
    }

    public ValueTask UpdateLastActiveAsync(IReadOnlyList<LastActiveUpdate> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        if (updates.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        // Copied because the caller may reuse its buffer once it stops waiting (for example on cancellation).
        var copy = updates.ToArray();
        return new ValueTask(_writer.WriteAsync(new UpdateLastActiveWrite(copy), cancellationToken));
    }

    public ValueTask HeartbeatAsync(string runId, string nodeId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(nodeId);
        return new ValueTask(_writer.WriteAsync(new HeartbeatWrite(runId, nodeId, at), cancellationToken));
    }

    public ValueTask<int> RemoveRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        return new ValueTask<int>(_writer.WriteAsync(new RemoveRunWrite(runId), cancellationToken));
    }

    public ValueTask<IReadOnlyList<RunRecord>> ListRunsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();

        // One statement, so one snapshot of both tables: a run that heartbeats and then writes rows is never seen with
        // its rows but without its heartbeat.
        command.CommandText = """
            SELECT run_id, node_id, heartbeat_at FROM runs
            UNION ALL
            SELECT DISTINCT run_id, NULL, NULL FROM connections WHERE run_id NOT IN (SELECT run_id FROM runs);
            """;
        using var reader = command.ExecuteReader();
        var runs = new List<RunRecord>();
        while (reader.Read())
        {
            runs.Add(new RunRecord(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))));
        }

        return ValueTask.FromResult<IReadOnlyList<RunRecord>>(runs);
    }

    public ValueTask<ConnectionRecord?> GetAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM connections WHERE id = $id;";
        command.Parameters.AddWithValue("$id", connectionId);
        using var reader = command.ExecuteReader();
        return ValueTask.FromResult(reader.Read() ? ReadRecord(reader) : null);
    }

    public ValueTask<IReadOnlyList<ConnectionRecord>> ListAsync(ConnectionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();

        // Only the filters given go into the SQL: "$api IS NULL OR api = $api" would keep SQLite off the indexes.
        var sql = new StringBuilder($"SELECT {Columns} FROM connections WHERE 1 = 1");
        AddFilter(command, sql, "api", query.Api);
        AddFilter(command, sql, "stage", query.Stage);
        AddFilter(command, sql, "node_id", query.NodeId);
        sql.Append(" ORDER BY connected_at, id;");
        command.CommandText = sql.ToString();

        using var reader = command.ExecuteReader();
        var records = new List<ConnectionRecord>();
        while (reader.Read())
        {
            records.Add(ReadRecord(reader));
        }

        return ValueTask.FromResult<IReadOnlyList<ConnectionRecord>>(records);
    }

    public ValueTask<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        if (_disposed || cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromResult(false);
        }

        try
        {
            // Ready means writes work, not only reads (a locked database or a full disk is not ready).
            return ValueTask.FromResult(_database.CanWrite());
        }
        catch (Exception)
        {
            // A readiness probe gets false, never an exception.
            return ValueTask.FromResult(false);
        }
    }

    /// <summary>Commits the writes already queued, then stops the writer.</summary>
    public ValueTask DisposeAsync()
    {
        _disposed = true;
        return _writer.DisposeAsync();
    }

    private static void AddFilter(SqliteCommand command, StringBuilder sql, string column, string? value)
    {
        if (value is null)
        {
            return;
        }

        sql.Append(" AND ").Append(column).Append(" = $").Append(column);
        command.Parameters.AddWithValue("$" + column, value);
    }

    private static ConnectionRecord ReadRecord(SqliteDataReader reader) => new(
        ConnectionId: reader.GetString(0),
        Api: reader.GetString(1),
        Stage: reader.GetString(2),
        ConnectedAt: DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
        LastActiveAt: DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
        SourceIp: reader.GetString(5),
        UserAgent: reader.IsDBNull(6) ? null : reader.GetString(6),
        NodeId: reader.GetString(7),
        RunId: reader.GetString(8),
        PrincipalId: reader.IsDBNull(9) ? null : reader.GetString(9));
}
