namespace Switchboard.Redis;

/// <summary>
/// The API key store's Lua scripts: a key's hash, the set of names and the index by hash change together. Keys read
/// from a stored name are built inside the script from the prefix (same hash tag, same slot; see
/// <see cref="RegistryScripts"/>). Create and find are given the salt the caller hashed with and answer
/// <see cref="SaltChanged"/> when it is not the stored one (Redis lost its data and another process made a new salt),
/// so a process never goes on hashing with a salt nobody else uses.
/// </summary>
internal static class ApiKeyScripts
{
    /// <summary>What create and find return when the caller's salt is not the stored one.</summary>
    public const int SaltChanged = -1;

    /// <summary>
    /// KEYS: the key's hash, the set of names, the index by hash, the salt. ARGV: name, hash, createdAt (ms), salt,
    /// plan (absent for none). Returns 0 when created, 1 when the name is taken, 2 when the value is, -1 when the salt
    /// changed. A missing salt is set to the caller's (there are no keys then to disagree with it).
    /// </summary>
    public const string Create = """
        local salt = redis.call('GET', KEYS[4])
        if not salt then redis.call('SET', KEYS[4], ARGV[4]) elseif salt ~= ARGV[4] then return -1 end
        if redis.call('EXISTS', KEYS[1]) == 1 then return 1 end
        if redis.call('HEXISTS', KEYS[3], ARGV[2]) == 1 then return 2 end
        redis.call('HSET', KEYS[1], 'hash', ARGV[2], 'createdAt', ARGV[3])
        if ARGV[5] then redis.call('HSET', KEYS[1], 'plan', ARGV[5]) end
        redis.call('SADD', KEYS[2], ARGV[1])
        redis.call('HSET', KEYS[3], ARGV[2], ARGV[1])
        return 0
        """;

    /// <summary>KEYS: the key's hash, the set of names, the index by hash. ARGV: name. Returns 1 when revoked, 0 when there was no such key.</summary>
    public const string Revoke = """
        local hash = redis.call('HGET', KEYS[1], 'hash')
        if not hash then return 0 end
        if redis.call('HGET', KEYS[3], hash) == ARGV[1] then redis.call('HDEL', KEYS[3], hash) end
        redis.call('DEL', KEYS[1])
        redis.call('SREM', KEYS[2], ARGV[1])
        return 1
        """;

    /// <summary>
    /// KEYS: the index by hash, the salt. ARGV: prefix, hash, salt. Returns { name, hash, plan, createdAt }, nil, or -1
    /// when the salt changed.
    /// </summary>
    public const string FindByHash = """
        if redis.call('GET', KEYS[2]) ~= ARGV[3] then return -1 end
        local name = redis.call('HGET', KEYS[1], ARGV[2])
        if not name then return false end
        local key = redis.call('HMGET', ARGV[1] .. 'apikey:' .. name, 'hash', 'plan', 'createdAt')
        return { name, key[1], key[2], key[3] }
        """;

    /// <summary>KEYS: the set of names. ARGV: prefix. Returns name, plan, createdAt for every key, flat.</summary>
    public const string List = """
        local keys = {}
        for _, name in ipairs(redis.call('SMEMBERS', KEYS[1])) do
          local key = redis.call('HMGET', ARGV[1] .. 'apikey:' .. name, 'plan', 'createdAt')
          table.insert(keys, name)
          table.insert(keys, key[1])
          table.insert(keys, key[2])
        end
        return keys
        """;
}
