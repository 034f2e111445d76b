using Microsoft.Extensions.Time.Testing;
using Switchboard.RateLimiting;

namespace Switchboard.Tests.RateLimiting;

public sealed class ThrottleBucketsTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void EachCaller_HasItsOwnBucket_AndEachThrottleItsOwn_EvenWithTheSameNumbers()
    {
        var buckets = new ThrottleBuckets(_clock);
        var plan = new ThrottleLimit(1, 1);
        var sameNumbers = new ThrottleLimit(1, 1);

        Assert.True(buckets.TryTake(new BucketKey(plan, "a")));
        Assert.False(buckets.TryTake(new BucketKey(plan, "a")));
        Assert.True(buckets.TryTake(new BucketKey(plan, "b")));
        Assert.True(buckets.TryTake(new BucketKey(sameNumbers, "a")));
        Assert.True(buckets.TryTake(new BucketKey(plan, "a", "Api", "dev")));
        Assert.True(buckets.TryTake(new BucketKey(plan, "a", "Api", "test")));
        Assert.Equal(5, buckets.Count);
    }

    [Fact]
    public void Return_RefillsTheBucketItWasTakenFrom()
    {
        var buckets = new ThrottleBuckets(_clock);
        var key = new BucketKey(new ThrottleLimit(1, 1));
        Assert.True(buckets.TryTake(key));
        Assert.False(buckets.TryTake(key));

        buckets.Return(key);

        Assert.True(buckets.TryTake(key));
    }

    [Fact]
    public void Sweep_DropsFullBuckets_AndKeepsTheOnesStillRefilling()
    {
        var buckets = new ThrottleBuckets(_clock);
        var slow = new ThrottleLimit(1, 1);
        var fast = new ThrottleLimit(1000, 1);
        Assert.True(buckets.TryTake(new BucketKey(slow, "busy")));
        Assert.True(buckets.TryTake(new BucketKey(fast, "idle")));
        _clock.Advance(TimeSpan.FromMilliseconds(10));

        buckets.Sweep();

        Assert.Equal(1, buckets.Count);
        Assert.False(buckets.TryTake(new BucketKey(slow, "busy")));
    }

    [Fact]
    public void GrowingPastTheSweepSize_DropsTheIdleBuckets()
    {
        var buckets = new ThrottleBuckets(_clock);
        var limit = new ThrottleLimit(1000, 10);
        for (var i = 0; i < 1023; i++)
        {
            Assert.True(buckets.TryTake(new BucketKey(limit, $"key{i}")));
        }

        Assert.Equal(1023, buckets.Count);
        _clock.Advance(TimeSpan.FromSeconds(1));

        // The 1,024th bucket finds every other one refilled, so full, and drops them.
        Assert.True(buckets.TryTake(new BucketKey(limit, "one-more")));

        Assert.Equal(1, buckets.Count);
    }
}
