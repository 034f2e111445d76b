using Microsoft.Extensions.Logging;

namespace Switchboard.Sqlite;

internal static partial class SqliteConnectionRegistryLog
{
    // Logged on the first failing batch only; while the store stays broken every batch would fail the same way.
    [LoggerMessage(EventId = 1, EventName = "BatchFailed", Level = LogLevel.Error,
        Message = "Writing {Count} connection registry changes to SQLite failed; they were failed back to their callers. Further failures are not logged until a write succeeds.")]
    public static partial void BatchFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 2, EventName = "Recovered", Level = LogLevel.Information,
        Message = "Writing connection registry changes to SQLite works again.")]
    public static partial void Recovered(ILogger logger);
}
