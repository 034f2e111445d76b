namespace Switchboard.Redis;

/// <summary>
/// The group store's Lua scripts. A membership lives in three places that change together: the group's sorted set
/// (<c>group:GID</c>, by join order), the connection's hash (<c>member:CONN</c>, group id to run) and its run's set
/// (<c>run-members:RUN</c>, the connections with a membership made in that run), plus the set of runs that have any
/// (<c>member-runs</c>). Keys named by what a script reads are built from the prefix in ARGV[1] (same hash tag, same
/// slot; see <see cref="RegistryScripts"/>).
/// </summary>
internal static class GroupScripts
{
    // Takes one membership out of all three places. The connection leaves its run's set only when none of its other
    // memberships was made in that run.
    private const string Forget = """
        local function forget(prefix, gid, connection, run)
          redis.call('ZREM', prefix .. 'group:' .. gid, connection)
          local member = prefix .. 'member:' .. connection
          redis.call('HDEL', member, gid)
          for _, other in ipairs(redis.call('HVALS', member)) do
            if other == run then return end
          end
          local runMembers = prefix .. 'run-members:' .. run
          redis.call('SREM', runMembers, connection)
          if redis.call('SCARD', runMembers) == 0 then redis.call('SREM', prefix .. 'member-runs', run) end
        end

        """;

    /// <summary>
    /// KEYS: the group, the connection's hash, the run's set, the set of runs, the join counter. ARGV: group id,
    /// connection id, run id. A second add keeps the first one's place and run.
    /// </summary>
    public const string Add = """
        if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 0 end
        redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[5]), ARGV[2])
        redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
        redis.call('SADD', KEYS[3], ARGV[2])
        redis.call('SADD', KEYS[4], ARGV[3])
        return 1
        """;

    /// <summary>KEYS: the connection's hash. ARGV: prefix, group id, connection id.</summary>
    public const string Remove = Forget + """
        local run = redis.call('HGET', KEYS[1], ARGV[2])
        if not run then return 0 end
        forget(ARGV[1], ARGV[2], ARGV[3], run)
        return 1
        """;

    /// <summary>KEYS: the connection's hash. ARGV: prefix, connection id. Returns how many memberships.</summary>
    public const string RemoveConnection = Forget + """
        local memberships = redis.call('HGETALL', KEYS[1])
        for i = 1, #memberships, 2 do
          forget(ARGV[1], memberships[i], ARGV[2], memberships[i + 1])
        end
        return #memberships / 2
        """;

    /// <summary>KEYS: the run's set, the set of runs. ARGV: prefix, run id. Returns how many memberships.</summary>
    public const string RemoveRun = Forget + """
        local removed = 0
        for _, connection in ipairs(redis.call('SMEMBERS', KEYS[1])) do
          local memberships = redis.call('HGETALL', ARGV[1] .. 'member:' .. connection)
          for i = 1, #memberships, 2 do
            if memberships[i + 1] == ARGV[2] then
              forget(ARGV[1], memberships[i], connection, ARGV[2])
              removed = removed + 1
            end
          end
        end
        redis.call('DEL', KEYS[1])
        redis.call('SREM', KEYS[2], ARGV[2])
        return removed
        """;
}
