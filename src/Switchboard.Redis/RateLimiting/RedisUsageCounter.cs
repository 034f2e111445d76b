using StackExchange.Redis;
using Switchboard.RateLimiting;

namespace Switchboard.Redis;

/// <summary>
/// Quota counters in Redis (<c>usage:COUNTER</c>, a hash of the count and when it expires), so every node counts
/// against one limit. A take is one Lua script: it checks the limit and adds one atomically, however many nodes take
/// at once.
/// </summary>
/// <remarks>
/// Expiry is judged on the caller's clock, as the other stores judge it: the script gets this node's now and treats a
/// counter whose expiry has passed as gone. Redis forgets the key by itself too: a new counter gets a time to live
/// of its expiry less this node's now (PEXPIRE), rather than PEXPIREAT of the expiry: PEXPIREAT is read against
/// Redis's clock, so on a node whose clock is behind Redis's a counter would vanish before the node's period ends and
/// the quota would start over.
/// </remarks>
public sealed class RedisUsageCounter : IUsageCounter
{
    // KEYS: the counter. ARGV: limit, expiresAt (ms), now (ms, the caller's clock), time to live (ms).
    private const string Take = """
        local expires = tonumber(redis.call('HGET', KEYS[1], 'expiresAt'))
        if expires and expires <= tonumber(ARGV[3]) then redis.call('DEL', KEYS[1]) end
        local used = tonumber(redis.call('HGET', KEYS[1], 'used') or '0')
        if used >= tonumber(ARGV[1]) then return { 0, used } end
        used = redis.call('HINCRBY', KEYS[1], 'used', 1)
        if used == 1 then
          redis.call('HSET', KEYS[1], 'expiresAt', ARGV[2])
          redis.call('PEXPIRE', KEYS[1], ARGV[4])
        end
        return { 1, used }
        """;

    private static readonly RedisValue[] Fields = ["used", "expiresAt"];

    private readonly RedisStoreConnection _redis;
    private readonly IDatabase _database;
    private readonly TimeProvider _time;

    /// <param name="redis">The process's Redis connection; the counter does not dispose it.</param>
    /// <param name="time">The clock counters expire by.</param>
    public RedisUsageCounter(RedisStoreConnection redis, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis;
        _database = redis.Database;
        _time = time ?? TimeProvider.System;
    }

    public async ValueTask<UsageTake> TryTakeAsync(string counter, int limit, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counter);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _time.GetUtcNow();

        // At least a millisecond: PEXPIRE with 0 or less deletes the key at once, and a counter made after its expiry
        // counts nothing anyway.
        var timeToLive = Math.Max(1, (long)Math.Ceiling((expiresAt - now).TotalMilliseconds));
        var result = (RedisResult[])(await _database.ScriptEvaluateAsync(
            Take,
            [CounterKey(counter)],
            [limit, expiresAt.ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds(), timeToLive]).ConfigureAwait(false))!;
        return new UsageTake((long)result[0] == 1, (long)result[1]);
    }

    public async ValueTask<long> GetAsync(string counter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counter);
        cancellationToken.ThrowIfCancellationRequested();
        var values = await _database.HashGetAsync(CounterKey(counter), Fields).ConfigureAwait(false);
        var expired = values[1].HasValue && (long)values[1] <= _time.GetUtcNow().ToUnixTimeMilliseconds();
        return values[0].HasValue && !expired ? (long)values[0] : 0;
    }

    private RedisKey CounterKey(string counter) => _redis.Key("usage:" + counter);
}
