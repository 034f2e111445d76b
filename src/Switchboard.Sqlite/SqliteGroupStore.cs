using Microsoft.Data.Sqlite;
using Switchboard.Groups;

namespace Switchboard.Sqlite;

/// <summary>
/// Group membership in the <c>group_members</c> table, one row per (API, stage, group, connection). Listings come back in
/// the order members joined (rowid order). Joins and leaves are single-row autocommit statements: they are rare next
/// to messages, and each waits on <c>busy_timeout</c> like the other stores.
/// </summary>
public sealed class SqliteGroupStore(SqliteDatabase database) : IGroupStore
{
    public ValueTask AddAsync(GroupMember member, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(member);
        cancellationToken.ThrowIfCancellationRequested();
        Execute(
            "INSERT OR IGNORE INTO group_members (api, stage, grp, connection_id, node_id, run_id) VALUES ($api, $stage, $grp, $id, $node, $run);",
            ("$api", member.Api), ("$stage", member.Stage), ("$grp", member.Group), ("$id", member.ConnectionId), ("$node", member.NodeId), ("$run", member.RunId));
        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveAsync(string api, string stage, string group, string connectionId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Execute(
            "DELETE FROM group_members WHERE api = $api AND stage = $stage AND grp = $grp AND connection_id = $id;",
            ("$api", api), ("$stage", stage), ("$grp", group), ("$id", connectionId));
        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveConnectionAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Execute("DELETE FROM group_members WHERE connection_id = $id;", ("$id", connectionId));
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<string>> ListAsync(string api, string stage, string group, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT connection_id FROM group_members WHERE api = $api AND stage = $stage AND grp = $grp ORDER BY rowid;";
        command.Parameters.AddWithValue("$api", api);
        command.Parameters.AddWithValue("$stage", stage);
        command.Parameters.AddWithValue("$grp", group);
        var ids = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ValueTask.FromResult<IReadOnlyList<string>>(ids);
    }

    public ValueTask<IReadOnlyList<string>> ListRunsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT run_id FROM group_members;";
        var runs = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            runs.Add(reader.GetString(0));
        }

        return ValueTask.FromResult<IReadOnlyList<string>>(runs);
    }

    public ValueTask<int> RemoveRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Execute("DELETE FROM group_members WHERE run_id = $run;", ("$run", runId)));
    }

    private int Execute(string sql, params (string Name, string Value)[] parameters)
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteNonQuery();
    }
}
