namespace Switchboard.Operations;

/// <summary>
/// Whether the gateway takes new connections (not before start-up clean-up is done, not once shutdown began), and the
/// two deadlines of a clean stop: the drain (<c>limits.shutdownDrainSeconds</c>), by which messages still waiting for
/// a backend are given up, and the exit, a few seconds later, by which the last <c>$disconnect</c> calls are.
/// </summary>
public sealed class GatewayLifecycle(TimeProvider time)
{
    /// <summary>What a stop gives <c>$disconnect</c> after the drain; within the host's own stop timeout (drain + 5 s).</summary>
    public static readonly TimeSpan DisconnectGrace = TimeSpan.FromSeconds(4);

    // Timers of the TimeProvider (monotonic), started by BeginShutdown.
    private readonly CancellationTokenSource _drainDeadline = new(Timeout.InfiniteTimeSpan, time);
    private readonly CancellationTokenSource _exitDeadline = new(Timeout.InfiniteTimeSpan, time);
    private volatile bool _accepting;

    public bool IsAccepting => _accepting;

    /// <summary>Fires when a clean stop's drain time has passed; never before a stop.</summary>
    public CancellationToken DrainDeadline => _drainDeadline.Token;

    /// <summary>Fires <see cref="DisconnectGrace"/> after the drain deadline: the stop's clean-up is over.</summary>
    public CancellationToken ExitDeadline => _exitDeadline.Token;

    internal void StartAccepting() => _accepting = true;

    /// <summary>Stops accepting and starts both clocks. Call once: a second call would restart them.</summary>
    internal void BeginShutdown(TimeSpan drain)
    {
        _accepting = false;
        _drainDeadline.CancelAfter(drain);
        _exitDeadline.CancelAfter(drain + DisconnectGrace);
    }

    private volatile bool _storeRefusing;

    /// <summary>
    /// Whether a handshake may begin: accepting, and the store takes writes. While the store refuses, a handshake is
    /// answered 503 at once instead of waiting on a registry write that cannot succeed.
    /// </summary>
    public bool TakesHandshakes => _accepting && !_storeRefusing;

    /// <summary>Whether the store refuses writes, as <see cref="Registry.StoreHealth"/> last saw it.</summary>
    public bool StoreRefusing => _storeRefusing;

    internal void SetStoreRefusing(bool refusing) => _storeRefusing = refusing;
}
