namespace Switchboard.Redis;

/// <summary>
/// The credential store's Lua scripts: a credential's hash (<c>credential:ID</c>), the set of ids (<c>credentials</c>)
/// and the index from name to id (<c>credential-names</c>) change together. Keys named by what a script reads are built
/// from the prefix in ARGV[1] (same hash tag, same slot; see <see cref="RegistryScripts"/>).
/// </summary>
internal static class CredentialScripts
{
    /// <summary>
    /// KEYS: the credential, the set of ids, the names, the key fingerprint. ARGV: id, name, sealed secret, policy,
    /// createdAt (ms), the fingerprint of the key that sealed it. Returns 1 when created, 0 when the id or name is taken,
    /// -1 when the stored credentials were sealed with another key (while any exist, every one must use the same key).
    /// </summary>
    public const string Create = """
        local fingerprint = redis.call('GET', KEYS[4])
        if fingerprint and fingerprint ~= ARGV[6] and redis.call('SCARD', KEYS[2]) > 0 then return -1 end
        if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('HEXISTS', KEYS[3], ARGV[2]) == 1 then return 0 end
        redis.call('SET', KEYS[4], ARGV[6])
        redis.call('HSET', KEYS[1], 'name', ARGV[2], 'secret', ARGV[3], 'policy', ARGV[4], 'createdAt', ARGV[5])
        redis.call('HSET', KEYS[3], ARGV[2], ARGV[1])
        redis.call('SADD', KEYS[2], ARGV[1])
        return 1
        """;

    /// <summary>KEYS: the set of ids, the names. ARGV: prefix, access key id or name. Returns 1 when revoked, 0 when there is none.</summary>
    public const string Revoke = """
        local id = ARGV[2]
        if redis.call('SISMEMBER', KEYS[1], id) == 0 then
          id = redis.call('HGET', KEYS[2], ARGV[2])
          if not id then return 0 end
        end
        local credential = ARGV[1] .. 'credential:' .. id
        local name = redis.call('HGET', credential, 'name')
        redis.call('DEL', credential)
        redis.call('SREM', KEYS[1], id)
        if name and redis.call('HGET', KEYS[2], name) == id then redis.call('HDEL', KEYS[2], name) end
        return 1
        """;

    /// <summary>KEYS: the set of ids. ARGV: prefix. Returns id, name, policy, createdAt for every credential, flat.</summary>
    public const string List = """
        local all = {}
        for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
          local credential = redis.call('HMGET', ARGV[1] .. 'credential:' .. id, 'name', 'policy', 'createdAt')
          table.insert(all, id)
          table.insert(all, credential[1])
          table.insert(all, credential[2])
          table.insert(all, credential[3])
        end
        return all
        """;
}
