using System.Diagnostics;
using System.Numerics;

namespace Switchboard.Bench.Metrics;

/// <summary>
/// A log-linear histogram of durations in Stopwatch ticks, in the manner of HdrHistogram: values below 64 have a bucket
/// each, above that every power of two is split into 32 buckets, so a reported percentile is within 1/32 (3 %) of the
/// true value. Recording is one index computation and one increment, with no allocation and no lock: each instance has
/// a single writer (one receive loop or one worker), and instances are merged after the run.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int LinearBits = 6;
    private const int Linear = 1 << LinearBits;
    private const int SubBuckets = Linear / 2;

    // Up to 2^48 ticks (about 78 hours at 1 ns ticks); larger values land in the last bucket.
    private const int MaxExponent = 48 - LinearBits + 1;
    private const int BucketCount = Linear + (MaxExponent * SubBuckets);

    private readonly int[] _counts = new int[BucketCount];
    private long _count;
    private long _sum;
    private long _max;

    public long Count => _count;

    public void Record(long ticks)
    {
        if (ticks < 0)
        {
            ticks = 0;
        }

        _counts[IndexOf(ticks)]++;
        _count++;
        _sum += ticks;
        if (ticks > _max)
        {
            _max = ticks;
        }
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < BucketCount; i++)
        {
            _counts[i] += other._counts[i];
        }

        _count += other._count;
        _sum += other._sum;
        _max = Math.Max(_max, other._max);
    }

    /// <summary>The value at quantile <paramref name="q"/> (0..1) in milliseconds; the bucket's midpoint, or the exact maximum for the top bucket.</summary>
    public double PercentileMs(double q)
    {
        if (_count == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(q * _count);
        rank = Math.Clamp(rank, 1, _count);
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                var (low, width) = BucketOf(i);
                return ToMs(Math.Min(low + (width / 2), _max));
            }
        }

        return MaxMs;
    }

    public double MaxMs => ToMs(_max);

    public double MeanMs => _count == 0 ? 0 : ToMs(_sum / _count);

    public static double ToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static int IndexOf(long value)
    {
        if (value < Linear)
        {
            return (int)value;
        }

        // The highest set bit is at LinearBits or above; keep the next five bits below it as the sub-bucket.
        var exponent = 63 - BitOperations.LeadingZeroCount((ulong)value) - (LinearBits - 1);
        if (exponent > MaxExponent)
        {
            return BucketCount - 1;
        }

        var sub = (int)(value >> exponent) - SubBuckets;
        return Linear + ((exponent - 1) * SubBuckets) + sub;
    }

    private static (long Low, long Width) BucketOf(int index)
    {
        if (index < Linear)
        {
            return (index, 1);
        }

        var exponent = ((index - Linear) / SubBuckets) + 1;
        var sub = ((index - Linear) % SubBuckets) + SubBuckets;
        return ((long)sub << exponent, 1L << exponent);
    }
}
