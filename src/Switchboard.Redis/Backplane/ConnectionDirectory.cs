using StackExchange.Redis;
using Switchboard.Delivery;

namespace Switchboard.Redis.Backplane;

/// <summary>
/// Which run holds each connection, in Redis: a key per connection naming its run (how a send to one connection finds
/// its node) and a hash per run of its connections' snapshots (what a dead run's connections need for their
/// <c>$disconnect</c>). Written when a connection opens and removed when it closes, by the node that holds it; a dead
/// run's entries are claimed by the survivors, each entry by exactly one (<see cref="ClaimAsync"/>).
/// </summary>
internal sealed class ConnectionDirectory(IDatabase database, BackplaneKeys keys)
{
    // HDEL answers 1 to exactly one caller: whoever removes the entry owns its $disconnect.
    private const string ClaimScript = """
        if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 then
          if redis.call('GET', KEYS[2]) == ARGV[2] then redis.call('DEL', KEYS[2]) end
          return 1
        end
        return 0
        """;

    private const string ForgetScript = """
        redis.call('HDEL', KEYS[1], ARGV[1])
        if redis.call('GET', KEYS[2]) == ARGV[2] then redis.call('DEL', KEYS[2]) end
        return 1
        """;

    public async Task AddAsync(string runId, ConnectionSnapshot snapshot)
    {
        var batch = database.CreateBatch();
        var entry = batch.HashSetAsync(keys.RunConnections(runId), snapshot.ConnectionId, ConnectionSnapshotCodec.Encode(snapshot));
        var owner = batch.StringSetAsync(keys.Connection(snapshot.ConnectionId), runId);
        batch.Execute();
        await Task.WhenAll(entry, owner).ConfigureAwait(false);
    }

    public Task RemoveAsync(string runId, string connectionId) =>
        database.ScriptEvaluateAsync(ForgetScript, [keys.RunConnections(runId), keys.Connection(connectionId)], [connectionId, runId]);

    /// <summary>The run that holds the connection, or null when no run does.</summary>
    public async Task<string?> OwnerAsync(string connectionId) =>
        await database.StringGetAsync(keys.Connection(connectionId)).ConfigureAwait(false) is { HasValue: true } owner ? owner.ToString() : null;

    /// <summary>Claims the entries run <paramref name="runId"/> left; each is returned to exactly one caller across the cluster.</summary>
    public async Task<IReadOnlyList<ConnectionSnapshot>> ClaimAsync(string runId)
    {
        var runKey = keys.RunConnections(runId);
        var entries = await database.HashGetAllAsync(runKey).ConfigureAwait(false);
        var claimed = new List<ConnectionSnapshot>();
        foreach (var entry in entries)
        {
            var connectionId = entry.Name.ToString();
            var won = await database.ScriptEvaluateAsync(ClaimScript, [runKey, keys.Connection(connectionId)], [connectionId, runId]).ConfigureAwait(false);
            if ((int)won == 1 && ConnectionSnapshotCodec.Decode((byte[])entry.Value!) is { } snapshot)
            {
                claimed.Add(snapshot);
            }
        }

        return claimed;
    }

    /// <summary>Removes every entry of this run (a clean stop, after its connections closed).</summary>
    public async Task RemoveRunAsync(string runId)
    {
        var runKey = keys.RunConnections(runId);
        foreach (var entry in await database.HashGetAllAsync(runKey).ConfigureAwait(false))
        {
            await RemoveAsync(runId, entry.Name.ToString()).ConfigureAwait(false);
        }
    }
}
