namespace Switchboard.Operations;

/// <summary>Whether the gateway takes new connections: not before start-up cleanup is done, not once shutdown began.</summary>
public sealed class GatewayLifecycle
{
    private volatile bool _accepting;

    public bool IsAccepting => _accepting;

    internal void StartAccepting() => _accepting = true;

    internal void StopAccepting() => _accepting = false;
}
