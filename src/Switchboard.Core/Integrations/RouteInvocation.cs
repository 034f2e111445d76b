using Switchboard.Connections;

namespace Switchboard.Integrations;

/// <summary>The three kinds of event a WebSocket route handles, as API Gateway names them.</summary>
public enum RouteEventType
{
    Connect,
    Message,
    Disconnect,
}

/// <summary>
/// One event for a route's integration. <see cref="Message"/> is valid only until the integration's task completes.
/// <see cref="Handshake"/> is set for <c>$connect</c> only.
/// </summary>
public readonly record struct RouteInvocation(
    WebSocketConnection Connection,
    RouteEventType EventType,
    string RouteKey,
    ReadOnlyMemory<byte> Message,
    bool IsText,
    ConnectContext? Handshake = null);

/// <summary>What a WebSocket route does. Implementations are created once per definition and shared by every connection.</summary>
public interface IRouteIntegration
{
    /// <summary>
    /// True for work done in this process that never waits on anything slow (the registry and broadcast types): the
    /// receive loop runs it itself. False for what may wait (<c>lambda</c>, <c>http</c>, the group store): that runs from
    /// the connection's bounded inbound queue, so the socket keeps being read (pings, close) meanwhile.
    /// </summary>
    bool RunsInline { get; }

    /// <summary>
    /// Handles one event and says how it went. <paramref name="cancellationToken"/> fires at the integration's timeout;
    /// an exception is treated as <see cref="RouteResult.Failed"/>.
    /// </summary>
    ValueTask<RouteResult> InvokeAsync(RouteInvocation invocation, CancellationToken cancellationToken);
}
