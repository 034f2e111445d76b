using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Switchboard.Integrations;
using Switchboard.Operations;
using Switchboard.Registry;
using Switchboard.Routing;

namespace Switchboard.Connections;

/// <summary>
/// Accepts a WebSocket handshake on a stage's URL and runs the connection's life: <c>$connect</c> (before the 101, as in
/// API Gateway, so a failed integration refuses the handshake), the socket's loops, then <c>$disconnect</c>.
/// </summary>
internal sealed partial class WebSocketEndpoint(
    ConnectionTable connections,
    MessageRouter router,
    GatewayMetrics metrics,
    GatewayLifecycle lifecycle,
    IConnectionRegistry registry,
    TimeProvider time,
    ILogger<WebSocketEndpoint> logger)
{
    public async Task HandleAsync(HttpContext http, WebSocketApiRuntime api, string stage, GatewayRuntime runtime)
    {
        if (!WebSocketHandshake.IsWebSocketRequest(http))
        {
            http.Response.Headers.Upgrade = "websocket";
            await HttpAnswers.JsonAsync(http, StatusCodes.Status426UpgradeRequired, JsonMessages.Message(
                $"Upgrade Required: this is the WebSocket endpoint of stage '{stage}'; connect with a WebSocket client (e.g. npx wscat -c ws://HOST{http.Request.Path})")).ConfigureAwait(false);
            return;
        }

        if (!WebSocketHandshake.TryValidate(http, out var acceptKey, out var status, out var problem))
        {
            await HttpAnswers.JsonAsync(http, status, JsonMessages.Message(problem)).ConfigureAwait(false);
            return;
        }

        if (!lifecycle.IsAccepting)
        {
            await HttpAnswers.JsonAsync(http, StatusCodes.Status503ServiceUnavailable, JsonMessages.Message("the gateway is starting or shutting down; retry shortly")).ConfigureAwait(false);
            return;
        }

        var connection = new WebSocketConnection(
            http,
            ConnectionIds.New(),
            api.Name,
            stage,
            SourceAddress(http),
            http.Request.Headers.UserAgent is { Count: > 0 } agent ? agent.ToString() : null,
            runtime.ConnectionSettings,
            metrics,
            time);

        if (api.Connect is { } onConnect)
        {
            try
            {
                await onConnect.InvokeAsync(new RouteInvocation(connection, RouteEventType.Connect, "$connect", default, false)).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // As API Gateway: a failed $connect integration refuses the handshake and no connection exists.
                LogConnectFailed(logger, ex, api.Name, stage, connection.Id);
                await HttpAnswers.JsonAsync(http, StatusCodes.Status502BadGateway, JsonMessages.Message("Internal server error")).ConfigureAwait(false);
                return;
            }
        }

        var upgrade = http.Features.Get<IHttpUpgradeFeature>()!;
        http.Response.Headers.Connection = "Upgrade";
        http.Response.Headers.Upgrade = "websocket";
        http.Response.Headers.SecWebSocketAccept = acceptKey;
        Stream transport;
        try
        {
            transport = await upgrade.UpgradeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            await DisconnectAsync(api, connection).ConfigureAwait(false);
            return;
        }

        connection.Closing += connections.Remove;
        connections.Track(connection);
        connections.Add(connection);
        metrics.Connected();
        if (!lifecycle.IsAccepting)
        {
            // Shutdown began while $connect ran; the drain did not see this connection.
            connection.BeginClose(CloseCodes.GoingAway, "Going away: server shutting down");
        }

        LogConnected(logger, connection.Id, api.Name, stage, connection.SourceIp);
        try
        {
            await connection.RunAsync(transport, router).ConfigureAwait(false);
        }
        finally
        {
            connections.Remove(connection);
            metrics.Disconnected();
            await DisconnectAsync(api, connection).ConfigureAwait(false);
            connections.Untrack(connection);
            LogDisconnected(logger, connection.Id, connection.CloseStatus);
        }
    }

    private async Task DisconnectAsync(WebSocketApiRuntime api, WebSocketConnection connection)
    {
        // $disconnect is best-effort, as in API Gateway; a row the integration did not remove is removed anyway, so the
        // registry never keeps a closed connection.
        try
        {
            if (api.Disconnect is { } onDisconnect)
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

    private static string SourceAddress(HttpContext http)
    {
        var address = http.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "";
        }

        return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
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
