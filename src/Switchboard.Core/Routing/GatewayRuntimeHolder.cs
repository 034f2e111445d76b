namespace Switchboard.Routing;

/// <summary>
/// Holds the live <see cref="GatewayRuntime"/>. Readers take <see cref="Current"/> once per request without a lock; a
/// reload swaps in a whole new snapshot atomically, so sockets never see half of a change.
/// </summary>
internal sealed class GatewayRuntimeHolder(GatewayRuntime initial)
{
    private volatile GatewayRuntime _current = initial;

    public GatewayRuntime Current => _current;

    public GatewayRuntime Swap(GatewayRuntime next) => Interlocked.Exchange(ref _current, next);
}
