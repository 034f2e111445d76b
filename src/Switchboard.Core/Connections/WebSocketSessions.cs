using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Switchboard.Integrations;
using Switchboard.Operations;
using Switchboard.Registry;
using Switchboard.Routing;

namespace Switchboard.Connections;

/// <summary>
/// A WebSocket connection's life, whichever way its handshake arrived (<see cref="WebSocketConnectionMiddleware"/> on the
/// raw socket, or <see cref="WebSocketEndpoint"/> through Kestrel's HTTP upgrade): <c>$connect</c> before the 101 (as in
/// API Gateway, a failed integration refuses the handshake), then the loops, then <c>$disconnect</c>.
/// </summary>
internal sealed partial class WebSocketSessions(
    ConnectionTable connections,
    MessageRouter router,
    GatewayMetrics metrics,
    GatewayLifecycle lifecycle,
    IConnectionRegistry registry,
    TimeProvider time,
    ILogger<WebSocketSessions> logger)
{
    public WebSocketConnection Create(WebSocketApiRuntime api, string stage, string sourceIp, string? userAgent, GatewayRuntime runtime) =>
        new(ConnectionIds.New(), api.Name, stage, sourceIp, userAgent, runtime.ConnectionSettings, metrics, time);

    /// <summary>Runs <c>$connect</c>; false when it failed and the handshake must be refused (502, as API Gateway answers).</summary>
    public async Task<bool> ConnectAsync(WebSocketApiRuntime api, WebSocketConnection connection)
    {
        // Tracked from here, so a shutdown that begins while $connect runs waits for this connection (and its
        // registry row) instead of closing the store under it.
        connections.Track(connection);
        if (api.Connect is not { } onConnect)
        {
            return true;
        }

        try
        {
            await onConnect.InvokeAsync(new RouteInvocation(connection, RouteEventType.Connect, "$connect", default, false)).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex)
        {
            LogConnectFailed(logger, ex, api.Name, connection.Stage, connection.Id);
            await DisconnectAsync(api, connection, runIntegration: false).ConfigureAwait(false);
            connections.Untrack(connection);
            return false;
        }
    }

    /// <summary>
    /// Makes the connection reachable, then <paramref name="acceptAsync"/> sends the 101 and returns the socket (null when
    /// that failed); the connection runs until closed, then is cleaned up. Reachable before the 101, so a backend told
    /// of the connection by the client's first message can already post to it (frames wait in its queue).
    /// </summary>
    public async Task RunAsync(WebSocketApiRuntime api, WebSocketConnection connection, Func<Task<(IDuplexPipe Transport, Action Abort)?>> acceptAsync)
    {
        connection.Closing += connections.Remove;
        connections.Track(connection);
        connections.Add(connection);
        metrics.Connected();
        if (!lifecycle.IsAccepting)
        {
            // Shutdown began while $connect ran; the drain did not see this connection.
            connection.BeginClose(CloseCodes.GoingAway, "Going away: server shutting down");
        }

        try
        {
            var accepted = await acceptAsync().ConfigureAwait(false);
            if (accepted is not { } socket)
            {
                connection.Abort();
                return;
            }

            LogConnected(logger, connection.Id, api.Name, connection.Stage, connection.SourceIp);
            await connection.RunAsync(socket.Transport, socket.Abort, router).ConfigureAwait(false);
        }
        finally
        {
            connections.Remove(connection);
            metrics.Disconnected();
            await DisconnectAsync(api, connection, runIntegration: true).ConfigureAwait(false);
            connections.Untrack(connection);
            LogDisconnected(logger, connection.Id, connection.CloseStatus);
        }
    }

    /// <summary>
    /// <c>$disconnect</c> is best-effort, as in API Gateway; a row the integration did not remove is removed anyway, so
    /// the registry never keeps a closed connection.
    /// </summary>
    public async Task DisconnectAsync(WebSocketApiRuntime api, WebSocketConnection connection, bool runIntegration)
    {
        try
        {
            if (runIntegration && api.Disconnect is { } onDisconnect)
            {
                await onDisconnect.InvokeAsync(new RouteInvocation(connection, RouteEventType.Disconnect, "$disconnect", default, false)).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            LogDisconnectFailed(logger, ex, api.Name, connection.Id);
        }

        if (connection.IsRegistered)
        {
            try
            {
                await registry.RemoveAsync(connection.Id).ConfigureAwait(false);
                connection.IsRegistered = false;
            }
            catch (Exception ex)
            {
                LogDisconnectFailed(logger, ex, api.Name, connection.Id);
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Connection {ConnectionId} opened on {Api}/{Stage} from {SourceIp}")]
    private static partial void LogConnected(ILogger logger, string connectionId, string api, string stage, string sourceIp);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Connection {ConnectionId} closed with {CloseStatus}")]
    private static partial void LogDisconnected(ILogger logger, string connectionId, ushort closeStatus);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "$connect integration of {Api}/{Stage} failed for connection {ConnectionId}; handshake refused")]
    private static partial void LogConnectFailed(ILogger logger, Exception exception, string api, string stage, string connectionId);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "$disconnect of {Api} failed for connection {ConnectionId}")]
    private static partial void LogDisconnectFailed(ILogger logger, Exception exception, string api, string connectionId);
}
