using Switchboard.Connections;

namespace Switchboard.Integrations;

/// <summary>The three kinds of event a WebSocket route handles, as API Gateway names them.</summary>
public enum RouteEventType
{
    Connect,
    Message,
    Disconnect,
}

/// <summary>One event for a route's integration. <see cref="Message"/> is valid only until the integration's task completes.</summary>
public readonly record struct RouteInvocation(
    WebSocketConnection Connection,
    RouteEventType EventType,
    string RouteKey,
    ReadOnlyMemory<byte> Message,
    bool IsText);

/// <summary>What a WebSocket route does. Implementations are created once per definition and shared by every connection.</summary>
public interface IRouteIntegration
{
    /// <summary>Handles one event. An exception makes the gateway answer the caller with API Gateway's Internal server error frame.</summary>
    ValueTask InvokeAsync(RouteInvocation invocation);
}
