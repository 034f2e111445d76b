namespace Switchboard.Operations;

/// <summary>
/// Gives back the memory a connection storm leaves behind. Thousands of handshakes in a burst leave their
/// short-lived objects (parsing, registry writes waiting for their group commit) dead between the long-lived
/// connection objects in gen1; the collector sweeps rather than compacts that, and an idle server never collects
/// again, so the gaps stay resident (measured: 49 MB free inside gen1 after 10,000 handshakes, about 4 KiB per
/// connection; docs/performance.md). Once a storm of at least <see cref="StormConnections"/> new connections is
/// followed by <see cref="QuietSeconds"/> seconds without one, this compacts the heap once and returns the freed
/// memory to the system. Driven by <see cref="Connections.ConnectionSweeper"/>'s one-second tick.
/// </summary>
/// <remarks>
/// A compaction blocks the whole process for a moment, so a client that opens and drops connections in bursts must not
/// be able to trigger them at will: at most one per <see cref="MinSecondsBetween"/>; a storm that ends sooner is
/// compacted when that time is up.
/// </remarks>
internal sealed class HeapTrimmer(Action compact)
{
    public const long StormConnections = 1000;
    public const int QuietSeconds = 2;
    public const int MinSecondsBetween = 300;

    private long _lastConnects;
    private long _secondsSinceCompaction = MinSecondsBetween;
    private long _sinceCompaction;
    private int _quietTicks;

    public HeapTrimmer()
        : this(static () => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true))
    {
    }

    /// <summary>Called once a second with the total of connections accepted so far; true when it compacted.</summary>
    public bool Tick(long connectsTotal)
    {
        _secondsSinceCompaction++;
        var opened = connectsTotal - _lastConnects;
        _lastConnects = connectsTotal;
        if (opened > 0)
        {
            _sinceCompaction += opened;
            _quietTicks = 0;
            return false;
        }

        if (_sinceCompaction < StormConnections || ++_quietTicks < QuietSeconds || _secondsSinceCompaction < MinSecondsBetween)
        {
            return false;
        }

        _sinceCompaction = 0;
        _quietTicks = 0;
        _secondsSinceCompaction = 0;
        compact();
        return true;
    }
}
