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
    private readonly string _probeConnectionString;

    private SqliteDatabase(string filePath, string connectionString)
    {
        FilePath = filePath;
        _connectionString = connectionString;

        // Microsoft.Data.Sqlite retries a locked database for the connection string's default timeout, whatever
        // busy_timeout says: a readiness probe must give up within a second, not five.
        _probeConnectionString = new SqliteConnectionStringBuilder(connectionString) { DefaultTimeout = 1, Pooling = false }.ToString();
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
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            // It holds API-key hashes, the registry and sealed credential secrets: the gateway's user only. An existing
            // directory keeps the permissions its owner gave it.
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
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

    /// <summary>
    /// Whether a write can be committed now: takes the write lock (<c>BEGIN IMMEDIATE</c>, which a database another
    /// process keeps locked refuses within a second) and writes a row of <c>meta</c> (which a full disk refuses).
    /// </summary>
    internal bool CanWrite()
    {
        using var connection = new SqliteConnection(_probeConnectionString);
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA busy_timeout = 1000;";
            pragma.ExecuteNonQuery();
        }

        using var transaction = connection.BeginTransaction(deferred: false);
        using var write = connection.CreateCommand();
        write.Transaction = transaction;
        write.CommandText = "INSERT OR REPLACE INTO meta (key, value) VALUES ('readyz', $now);";
        write.Parameters.AddWithValue("$now", BitConverter.GetBytes(Environment.TickCount64));
        write.ExecuteNonQuery();
        transaction.Commit();
        return true;
    }

    /// <summary>Closes the pooled idle connections so the file is released (tests delete their directory after).</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
