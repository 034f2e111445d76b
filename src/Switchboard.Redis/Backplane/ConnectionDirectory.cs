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

    // KEYS[2] is the connection key of an empty id: its name minus the id is the prefix every connection key shares
    // (passed as a key so a cluster routes the script to the slot of the hash tag they all carry).
    private const string RemoveRunScript = """
        local prefix = KEYS[2]
        for _, id in ipairs(redis.call('HKEYS', KEYS[1])) do
          if redis.call('GET', prefix .. id) == ARGV[1] then redis.call('DEL', prefix .. id) end
        end
        redis.call('DEL', KEYS[1])
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

        // One script per entry, all sent at once (the multiplexer pipelines them): thousands take a few round trips' time.
        var claims = entries.Select(entry =>
        {
            var connectionId = entry.Name.ToString();
            return database.ScriptEvaluateAsync(ClaimScript, [runKey, keys.Connection(connectionId)], [connectionId, runId]);
        }).ToList();
        var won = await Task.WhenAll(claims).ConfigureAwait(false);
        var claimed = new List<ConnectionSnapshot>();
        for (var i = 0; i < entries.Length; i++)
        {
            if ((int)won[i] == 1 && ConnectionSnapshotCodec.Decode((byte[])entries[i].Value!) is { } snapshot)
            {
                claimed.Add(snapshot);
            }
        }

        return claimed;
    }

    /// <summary>
    /// The data generation of this Redis: a random value set once, kept as long as Redis keeps its data. A node that
    /// finds it changed knows Redis lost everything (a restart without persistence), not that it was taken for dead.
    /// </summary>
    public async Task<string> EpochAsync()
    {
        await database.StringSetAsync(keys.Epoch, Guid.NewGuid().ToString("N"), when: When.NotExists).ConfigureAwait(false);
        return (await database.StringGetAsync(keys.Epoch).ConfigureAwait(false)).ToString();
    }

    /// <summary>The connection ids run <paramref name="runId"/> has entries for.</summary>
    public async Task<IReadOnlyList<string>> EntriesAsync(string runId) =>
        [.. (await database.HashKeysAsync(keys.RunConnections(runId)).ConfigureAwait(false)).Select(static key => key.ToString())];

    /// <summary>Removes every entry of this run in one step (a clean stop, after its connections closed).</summary>
    public Task RemoveRunAsync(string runId) =>
        database.ScriptEvaluateAsync(RemoveRunScript, [keys.RunConnections(runId), keys.Connection("")], [runId]);
}
