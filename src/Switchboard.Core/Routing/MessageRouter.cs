using Microsoft.Extensions.Logging;
using Switchboard.Connections;
using Switchboard.Integrations;

namespace Switchboard.Routing;

/// <summary>
/// Routes each message of a connection: route selection on the current <see cref="GatewayRuntime"/> snapshot (read
/// once, without a lock), then the route's integration. Errors become API Gateway's error frames to the sender only.
/// </summary>
internal sealed partial class MessageRouter(GatewayRuntimeHolder runtime, ILogger<MessageRouter> logger) : IMessageHandler
{
    public async ValueTask OnMessageAsync(WebSocketConnection connection, ReadOnlyMemory<byte> message, bool isText)
    {
        var routeKey = "";
        try
        {
            if (!runtime.Current.WebSocketApis.TryGetValue(connection.Api, out var api)
                || !api.TrySelect(message.Span, isText, out routeKey, out var integration))
            {
                // No matching route and no $default: API Gateway's Forbidden frame; the socket stays open.
                connection.TryEnqueue(ErrorFrames.Frame(ErrorFrames.Forbidden, connection.Id, ConnectionIds.New()));
                return;
            }

            await integration.InvokeAsync(new RouteInvocation(connection, RouteEventType.Message, routeKey, message, isText)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var requestId = ConnectionIds.New();
            LogIntegrationFailed(logger, ex, connection.Api, routeKey, connection.Id, requestId);
            connection.TryEnqueue(ErrorFrames.Frame(ErrorFrames.InternalServerError, connection.Id, requestId));
        }
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Error, Message = "Integration of route {RouteKey} of API {Api} failed for connection {ConnectionId} (request {RequestId})")]
    private static partial void LogIntegrationFailed(ILogger logger, Exception exception, string api, string routeKey, string connectionId, string requestId);
}
