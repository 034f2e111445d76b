namespace Switchboard.Sqlite;

internal static class SqliteStorePlaceholder
{
}
