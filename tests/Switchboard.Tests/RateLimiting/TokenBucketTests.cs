using Switchboard.RateLimiting;

namespace Switchboard.Tests.RateLimiting;

public sealed class TokenBucketTests
{
    // TimeProvider.System's frequency on Linux, and FakeTimeProvider's (TimeSpan ticks): both must refill exactly.
    private const long Nanoseconds = 1_000_000_000;
    private const long Ticks = TimeSpan.TicksPerSecond;

    [Theory]
    [InlineData(Nanoseconds)]
    [InlineData(Ticks)]
    public void RateFiveBurstFive_TakesFiveAtOnce_RefusesTheSixth_AndRefillsFiveInOneSecond(long frequency)
    {
        var bucket = new TokenBucket(5, 5, now: 0, frequency);

        for (var i = 0; i < 5; i++)
        {
            Assert.True(bucket.TryTake(0), $"take {i + 1}");
        }

        Assert.False(bucket.TryTake(0));
        Assert.False(bucket.TryTake(frequency / 5 - 1));
        Assert.True(bucket.TryTake(frequency / 5));
        Assert.False(bucket.TryTake(frequency / 5));

        // One second after the burst: four more fifths of a second refilled four tokens.
        for (var i = 0; i < 4; i++)
        {
            Assert.True(bucket.TryTake(frequency), $"take {i + 1} after refill");
        }

        Assert.False(bucket.TryTake(frequency));
    }

    [Fact]
    public void Refill_StopsAtTheCapacity()
    {
        var bucket = new TokenBucket(10, 3, now: 0, Ticks);
        Assert.True(bucket.TryTake(0));

        Assert.Equal(3, bucket.Tokens(Ticks * 3600));
        for (var i = 0; i < 3; i++)
        {
            Assert.True(bucket.TryTake(Ticks * 3600));
        }

        Assert.False(bucket.TryTake(Ticks * 3600));
    }

    [Fact]
    public void RateBelowOnePerSecond_RefillsOneTokenPerPeriod()
    {
        var bucket = new TokenBucket(0.5, 1, now: 0, Ticks);
        Assert.True(bucket.TryTake(0));

        Assert.False(bucket.TryTake(Ticks));
        Assert.True(bucket.TryTake(Ticks * 2));
    }

    [Fact]
    public void Return_GivesATokenBack_NeverAboveCapacity()
    {
        var bucket = new TokenBucket(1, 2, now: 0, Ticks);
        bucket.Return(0);
        Assert.Equal(2, bucket.Tokens(0));

        Assert.True(bucket.TryTake(0));
        Assert.True(bucket.TryTake(0));
        Assert.False(bucket.TryTake(0));
        bucket.Return(0);
        Assert.True(bucket.TryTake(0));
        Assert.False(bucket.TryTake(0));
    }

    [Fact]
    public void IsFull_OnlyOnceRefilledToCapacity()
    {
        var bucket = new TokenBucket(2, 4, now: 0, Ticks);
        Assert.True(bucket.IsFull(0));

        Assert.True(bucket.TryTake(0));
        Assert.False(bucket.IsFull(0));
        Assert.False(bucket.IsFull(Ticks / 2 - 1));
        Assert.True(bucket.IsFull(Ticks / 2));
    }

    [Fact]
    public void TimestampGoingBack_RefillsNothing()
    {
        var bucket = new TokenBucket(1, 1, now: Ticks * 10, Ticks);
        Assert.True(bucket.TryTake(Ticks * 10));

        Assert.False(bucket.TryTake(Ticks * 5));
        Assert.False(bucket.TryTake(Ticks * 10));
        Assert.True(bucket.TryTake(Ticks * 11));
    }

    [Fact]
    public void ManyThreads_TakeExactlyTheBurst()
    {
        var bucket = new TokenBucket(1, 100, now: 0, Ticks);
        var taken = 0;

        Parallel.For(0, 1000, _ =>
        {
            if (bucket.TryTake(0))
            {
                Interlocked.Increment(ref taken);
            }
        });

        Assert.Equal(100, taken);
    }
}
