namespace Switchboard.RateLimiting;

/// <summary>
/// A token bucket, as API Gateway throttles (one token a request): it holds at most <c>capacity</c> tokens, starts
/// full, and refills at <c>ratePerSecond</c>. Time is a <see cref="TimeProvider"/> timestamp passed in by the caller,
/// so tests drive it with a fake clock. <c>System.Threading.RateLimiting.TokenBucketRateLimiter</c> reads
/// <c>Stopwatch</c> itself and takes no <see cref="TimeProvider"/>, so it cannot be driven that way.
/// </summary>
internal sealed class TokenBucket
{
    private readonly double _capacity;
    private readonly double _ratePerSecond;
    private readonly long _frequency;
    private readonly Lock _gate = new();
    private double _tokens;
    private long _updatedAt;

    /// <param name="ratePerSecond">Tokens added a second; greater than 0.</param>
    /// <param name="capacity">Most tokens held; at least 1.</param>
    /// <param name="now">The timestamp the bucket is full at.</param>
    /// <param name="frequency">Timestamp ticks a second (<see cref="TimeProvider.TimestampFrequency"/>).</param>
    public TokenBucket(double ratePerSecond, int capacity, long now, long frequency)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frequency);
        _ratePerSecond = ratePerSecond;
        _capacity = capacity;
        _frequency = frequency;
        _tokens = capacity;
        _updatedAt = now;
    }

    /// <summary>Takes a token; false (and nothing taken) when less than one is left.</summary>
    public bool TryTake(long now)
    {
        lock (_gate)
        {
            Refill(now);
            if (_tokens < 1)
            {
                return false;
            }

            _tokens -= 1;
            return true;
        }
    }

    /// <summary>Gives back a token taken for a request that was refused after all; never above capacity.</summary>
    public void Return(long now)
    {
        lock (_gate)
        {
            Refill(now);
            _tokens = Math.Min(_capacity, _tokens + 1);
        }
    }

    /// <summary>Whether the bucket is full: then it is the same as a new one, and can be dropped.</summary>
    public bool IsFull(long now)
    {
        lock (_gate)
        {
            Refill(now);
            return _tokens >= _capacity;
        }
    }

    /// <summary>Tokens held now (tests and diagnostics).</summary>
    public double Tokens(long now)
    {
        lock (_gate)
        {
            Refill(now);
            return _tokens;
        }
    }

    private void Refill(long now)
    {
        if (now <= _updatedAt)
        {
            return;
        }

        // Multiplied before dividing: one second of ticks at 5 tokens a second adds exactly 5, not 4.999...
        _tokens = Math.Min(_capacity, _tokens + ((now - _updatedAt) * _ratePerSecond / _frequency));
        _updatedAt = now;
    }
}
