using Microsoft.Data.Sqlite;

namespace Switchboard.Sqlite;

/// <summary>
/// The SQLite file that holds connections and API keys, <c>{dataDirectory}/switchboard.db</c>. Several processes may
/// open it at once (the server and the <c>keys</c> CLI), so every write transaction is <c>BEGIN IMMEDIATE</c> and
/// waits on <c>busy_timeout</c> instead of failing. Dispose it after the stores that use it.
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    public const string FileName = "switchboard.db";

    private const int BusyTimeoutMilliseconds = 5000;

    // busy_timeout and synchronous are per connection, so they run on every open; a pooled reopen costs two
    // statements that touch no page.
    private const string ConnectionPragmas = "PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;";

    private readonly string _connectionString;

    private SqliteDatabase(string filePath, string connectionString)
    {
        FilePath = filePath;
        _connectionString = connectionString;
    }

    /// <summary>Full path of the database file.</summary>
    public string FilePath { get; }

    /// <summary>
    /// Opens <c>{dataDirectory}/switchboard.db</c>, creating the directory, the file and the schema when missing.
    /// Safe to call from several processes at once.
    /// </summary>
    public static SqliteDatabase Open(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var directory = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(directory);
        var filePath = Path.Combine(directory, FileName);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = filePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Microsoft.Data.Sqlite retries SQLITE_BUSY itself until the command timeout; keep that in line with
            // busy_timeout so a locked file fails within seconds rather than after the default thirty.
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
        }.ToString();

        var database = new SqliteDatabase(filePath, connectionString);
        using var connection = database.OpenConnection();
        SqliteSchema.Create(connection);
        return database;
    }

    /// <summary>A new open connection (from the pool) with this store's per-connection settings applied.</summary>
    internal SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = ConnectionPragmas;
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Closes the pooled idle connections so the file is released (tests delete their directory after).</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
