using System.Collections.Concurrent;

namespace Switchboard.RateLimiting;

/// <summary>Which bucket a request takes from: a throttle, and who is throttled by it (empty for a stage's).</summary>
/// <param name="Limit">The throttle, compared by reference.</param>
/// <param name="Caller">The API key's name; empty for a stage throttle, shared by every caller.</param>
/// <param name="Api">The REST API, for a plan's method throttle (a bucket per API and stage); else empty.</param>
/// <param name="Stage">The stage, with <paramref name="Api"/>; else empty.</param>
internal readonly record struct BucketKey(ThrottleLimit Limit, string Caller = "", string Api = "", string Stage = "");

/// <summary>
/// The token buckets of this node. Throttling is per node and best-effort, as API Gateway says of its own: behind a
/// load balancer each node allows a key its full rate. A bucket is made at a key's first request after it was last
/// dropped; once the map has grown to twice its size after the last sweep (at least 1,024 buckets), the request that
/// finds it so drops every full bucket, which is the same as a new one. So memory follows the keys and stages active in
/// the last few seconds, and only keys found in the store (or stages of the definition) ever get a bucket.
/// </summary>
internal sealed class ThrottleBuckets(TimeProvider time)
{
    private const int MinimumSweepSize = 1024;

    private readonly ConcurrentDictionary<BucketKey, TokenBucket> _buckets = new();
    private int _count;
    private int _sweepAt = MinimumSweepSize;
    private int _sweeping;

    /// <summary>Buckets held now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Takes a token from <paramref name="key"/>'s bucket (made full when missing); false when it has none.</summary>
    public bool TryTake(BucketKey key)
    {
        var now = time.GetTimestamp();
        if (_buckets.TryGetValue(key, out var bucket))
        {
            return bucket.TryTake(now);
        }

        var fresh = new TokenBucket(key.Limit.RateLimit, key.Limit.BurstLimit, now, time.TimestampFrequency);
        bucket = _buckets.GetOrAdd(key, fresh);

        // Taken before any sweep, so the sweep does not find the new bucket full and drop it with the token.
        var taken = bucket.TryTake(now);
        if (ReferenceEquals(bucket, fresh) && Interlocked.Increment(ref _count) >= Volatile.Read(ref _sweepAt))
        {
            Sweep();
        }

        return taken;
    }

    /// <summary>Gives back a token taken by <see cref="TryTake"/> for a request refused by a later check.</summary>
    public void Return(BucketKey key)
    {
        if (_buckets.TryGetValue(key, out var bucket))
        {
            bucket.Return(time.GetTimestamp());
        }
    }

    /// <summary>Drops every full bucket. A token taken from a bucket as it is dropped is lost: one request more for that caller.</summary>
    internal void Sweep()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        try
        {
            var now = time.GetTimestamp();
            foreach (var (key, bucket) in _buckets)
            {
                if (bucket.IsFull(now) && _buckets.TryRemove(new KeyValuePair<BucketKey, TokenBucket>(key, bucket)))
                {
                    Interlocked.Decrement(ref _count);
                }
            }

            Volatile.Write(ref _sweepAt, Math.Max(MinimumSweepSize, Volatile.Read(ref _count) * 2));
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }
}
