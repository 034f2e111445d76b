using System.Security.Cryptography;
using StackExchange.Redis;
using Switchboard.Auth;

namespace Switchboard.Redis;

/// <summary>
/// API keys in Redis, as HMAC-SHA256 hashes (<see cref="ApiKeyHash"/>) under one salt that every node shares
/// (<c>apikey-salt</c>). A key is a hash (<c>apikey:NAME</c>: hash, plan, createdAt), listed in a set of names
/// (<c>apikeys</c>) and found by value through an index from hash to name (<c>apikey-hashes</c>). Nothing but the salt
/// is cached (and every call checks it is still the stored one), so a key created or revoked on any node, or by the
/// CLI, counts at the next request.
/// </summary>
public sealed class RedisApiKeyStore : IApiKeyStore
{
    private readonly RedisStoreConnection _redis;
    private readonly IDatabase _database;
    private readonly TimeProvider _time;
    private readonly RedisKey _names;
    private readonly RedisKey _byHash;
    private readonly RedisKey _saltKey;
    private byte[]? _salt;

    /// <param name="redis">The process's Redis connection; the store does not dispose it.</param>
    /// <param name="time">The clock of creation times.</param>
    public RedisApiKeyStore(RedisStoreConnection redis, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis;
        _database = redis.Database;
        _time = time ?? TimeProvider.System;
        _names = redis.Key("apikeys");
        _byHash = redis.Key("apikey-hashes");
        _saltKey = redis.Key("apikey-salt");
    }

    public async ValueTask<ApiKeyRecord> CreateAsync(string name, string value, string? plan, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(value);
        cancellationToken.ThrowIfCancellationRequested();

        // Millisecond precision, as every store keeps it.
        var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds());
        for (var attempt = 0; ; attempt++)
        {
            var salt = await GetSaltAsync().ConfigureAwait(false);
            var hash = ApiKeyHash.Compute(salt, value);
            RedisValue[] arguments = plan is null
                ? [name, hash, createdAt.ToUnixTimeMilliseconds(), salt]
                : [name, hash, createdAt.ToUnixTimeMilliseconds(), salt, plan];
            var outcome = (int)await _database.ScriptEvaluateAsync(ApiKeyScripts.Create, [KeyOf(name), _names, _byHash, _saltKey], arguments).ConfigureAwait(false);
            switch (outcome)
            {
                case 0:
                    return new ApiKeyRecord(name, plan, createdAt);
                case 1:
                    throw new ApiKeyConflictException($"An API key named '{name}' already exists; choose another name or revoke that key first.");
                case 2:
                    throw new ApiKeyConflictException($"Cannot create API key '{name}': another key already has that value; use a different value.");
                default:
                    ForgetSalt(salt, attempt);
                    break;
            }
        }
    }

    public async ValueTask<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var flat = (RedisResult[])(await _database.ScriptEvaluateAsync(ApiKeyScripts.List, [_names], [_redis.KeyPrefix]).ConfigureAwait(false))!;
        var keys = new List<ApiKeyRecord>(flat.Length / 3);
        for (var i = 0; i + 2 < flat.Length; i += 3)
        {
            if (!flat[i + 2].IsNull)
            {
                keys.Add(new ApiKeyRecord((string)flat[i]!, (string?)flat[i + 1], DateTimeOffset.FromUnixTimeMilliseconds((long)flat[i + 2])));
            }
        }

        keys.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return keys;
    }

    public async ValueTask<bool> RevokeAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        cancellationToken.ThrowIfCancellationRequested();
        return (int)await _database.ScriptEvaluateAsync(ApiKeyScripts.Revoke, [KeyOf(name), _names, _byHash], [name]).ConfigureAwait(false) == 1;
    }

    public async ValueTask<ApiKeyRecord?> FindByValueAsync(string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        cancellationToken.ThrowIfCancellationRequested();
        for (var attempt = 0; ; attempt++)
        {
            var salt = await GetSaltAsync().ConfigureAwait(false);
            var hash = ApiKeyHash.Compute(salt, value);
            var found = await _database.ScriptEvaluateAsync(ApiKeyScripts.FindByHash, [_byHash, _saltKey], [_redis.KeyPrefix, hash, salt]).ConfigureAwait(false);
            if (found.Resp2Type == ResultType.Integer && (int)found == ApiKeyScripts.SaltChanged)
            {
                ForgetSalt(salt, attempt);
                continue;
            }

            if (found.IsNull || (RedisResult[])found! is not [var name, var storedHash, var plan, var createdAt] || createdAt.IsNull)
            {
                return null;
            }

            // The index lookup already matched; the fixed-time compare keeps the final yes/no free of timing differences.
            return CryptographicOperations.FixedTimeEquals((byte[]?)storedHash, hash)
                ? new ApiKeyRecord((string)name!, (string?)plan, DateTimeOffset.FromUnixTimeMilliseconds((long)createdAt))
                : null;
        }
    }

    /// <summary>
    /// Nodes may race to create the salt: each offers a fresh one with SET NX and then all read back whichever landed
    /// first, so every node hashes with the same salt.
    /// </summary>
    private async ValueTask<byte[]> GetSaltAsync()
    {
        if (_salt is { } known)
        {
            return known;
        }

        await _database.StringSetAsync(_saltKey, ApiKeyHash.NewSalt(), when: When.NotExists).ConfigureAwait(false);
        var salt = (byte[]?)await _database.StringGetAsync(_saltKey).ConfigureAwait(false);
        if (salt is not { Length: ApiKeyHash.SaltBytes })
        {
            throw new InvalidOperationException(
                $"The API key salt in Redis ({_saltKey}) is not {ApiKeyHash.SaltBytes} bytes; something other than Switchboard wrote it. Delete it and create the keys again.");
        }

        return _salt = salt;
    }

    /// <summary>Drops a salt Redis no longer holds, so the next attempt reads the current one; gives up after one retry.</summary>
    private void ForgetSalt(byte[] stale, int attempt)
    {
        if (attempt > 0)
        {
            throw new InvalidOperationException($"The API key salt in Redis ({_saltKey}) keeps changing; something other than Switchboard writes it.");
        }

        Interlocked.CompareExchange(ref _salt, null, stale);
    }

    private RedisKey KeyOf(string name) => _redis.Key("apikey:" + name);
}
