namespace Switchboard.Redis;

/// <summary>
/// The registry's Lua scripts. Each runs atomically, so a row, the connection index and its run's set never disagree.
/// Keys that depend on what a script reads (the run of an existing row) are built inside it from the prefix in
/// ARGV[1]: every key shares the prefix's hash tag, so they hash to the slot of the declared keys, also on a cluster.
/// </summary>
internal static class RegistryScripts
{
    /// <summary>
    /// Adds or replaces a row. KEYS: the row, the connection index, the run's row set, the set of runs with rows.
    /// ARGV: prefix, id, run id, connectedAt (ms), then the row's fields and values.
    /// </summary>
    public const string Add = """
        local previous = redis.call('HGET', KEYS[1], 'runId')
        if previous and previous ~= ARGV[3] then
          local rows = ARGV[1] .. 'run-conns:' .. previous
          redis.call('SREM', rows, ARGV[2])
          if redis.call('SCARD', rows) == 0 then redis.call('SREM', KEYS[4], previous) end
        end
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], unpack(ARGV, 5))
        redis.call('ZADD', KEYS[2], ARGV[4], ARGV[2])
        redis.call('SADD', KEYS[3], ARGV[2])
        redis.call('SADD', KEYS[4], ARGV[3])
        return 1
        """;

    /// <summary>Removes a row. KEYS: the row, the connection index, the set of runs with rows. ARGV: prefix, id.</summary>
    public const string Remove = """
        local run = redis.call('HGET', KEYS[1], 'runId')
        if not run then return 0 end
        redis.call('DEL', KEYS[1])
        redis.call('ZREM', KEYS[2], ARGV[2])
        local rows = ARGV[1] .. 'run-conns:' .. run
        redis.call('SREM', rows, ARGV[2])
        if redis.call('SCARD', rows) == 0 then redis.call('SREM', KEYS[3], run) end
        return 1
        """;

    /// <summary>Moves lastActiveAt forward. KEYS: rows; ARGV: their new times (ms), in the same order. Absent rows stay absent.</summary>
    public const string UpdateLastActive = """
        for i, key in ipairs(KEYS) do
          local current = redis.call('HGET', key, 'lastActiveAt')
          if current and tonumber(current) < tonumber(ARGV[i]) then
            redis.call('HSET', key, 'lastActiveAt', ARGV[i])
          end
        end
        return 0
        """;

    /// <summary>
    /// Records a heartbeat. KEYS: the runs hash, the run's heartbeat key. ARGV: run id, node id, time (ms), the key's
    /// time to live (ms; 0 or less when the beat is already too old to keep). An older time never replaces a newer one.
    /// </summary>
    public const string Heartbeat = """
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        local known = redis.call('GET', KEYS[2])
        if known and tonumber(known) >= tonumber(ARGV[3]) then return 0 end
        if tonumber(ARGV[4]) > 0 then redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4]) end
        return 1
        """;

    /// <summary>
    /// Every known run in one snapshot. KEYS: the runs hash, the set of runs with rows. ARGV: prefix. Returns
    /// { { run, node, heartbeat time or '', heartbeat key's remaining ms or a negative number }..., runs with rows }.
    /// </summary>
    public const string ListRuns = """
        local beating = {}
        local runs = redis.call('HGETALL', KEYS[1])
        for i = 1, #runs, 2 do
          local beat = ARGV[1] .. 'beat:' .. runs[i]
          table.insert(beating, { runs[i], runs[i + 1], redis.call('GET', beat) or '', redis.call('PTTL', beat) })
        end
        return { beating, redis.call('SMEMBERS', KEYS[2]) }
        """;

    /// <summary>
    /// Removes a run's rows and the run. KEYS: the run's row set, the connection index, the set of runs with rows, the
    /// runs hash, the run's heartbeat key. ARGV: prefix, run id. Returns how many rows.
    /// </summary>
    public const string RemoveRun = """
        local removed = 0
        for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
          local row = ARGV[1] .. 'conn:' .. id
          if redis.call('HGET', row, 'runId') == ARGV[2] then
            redis.call('DEL', row)
            redis.call('ZREM', KEYS[2], id)
            removed = removed + 1
          end
        end
        redis.call('DEL', KEYS[1], KEYS[5])
        redis.call('SREM', KEYS[3], ARGV[2])
        redis.call('HDEL', KEYS[4], ARGV[2])
        return removed
        """;
}
