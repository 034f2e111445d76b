using Microsoft.Extensions.Logging;
using Switchboard.Connections;
using Switchboard.Integrations;
using Switchboard.Operations;

namespace Switchboard.Routing;

/// <summary>
/// Routes each message of a connection: route selection on the current <see cref="GatewayRuntime"/> snapshot (read
/// once, without a lock), then the route's integration, inline for the built-in types or through the connection's
/// <see cref="InboundQueue"/> for backends, so that one connection's messages reach integrations in order. Outcomes
/// become what API Gateway sends the sender: error frames, or the body on a two-way route.
/// </summary>
internal sealed partial class MessageRouter(
    GatewayRuntimeHolder runtime,
    GatewayLifecycle lifecycle,
    RateLimiting.UsagePlanGate usagePlans,
    ILogger<MessageRouter> logger) : IMessageHandler
{
    public async ValueTask OnMessageAsync(WebSocketConnection connection, ReadOnlyMemory<byte> message, bool isText)
    {
        var current = runtime.Current;
        if (!current.WebSocketApis.TryGetValue(connection.Api, out var api) || !api.TrySelect(message.Span, isText, out var route))
        {
            // No matching route and no $default: API Gateway's Forbidden frame; the socket stays open.
            connection.TryEnqueue(ErrorFrames.Frame(ErrorFrames.Forbidden, connection.Id, ConnectionIds.New()));
            return;
        }

        if (connection.Identity?.ApiKey is { } key && !await WithinPlanAsync(connection, key, current, route).ConfigureAwait(false))
        {
            return;
        }

        var inbound = connection.Inbound;
        if (route.Integration.RunsInline && (inbound is null || inbound.IsIdle))
        {
            await InvokeAsync(connection, route, message, isText, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        if (inbound is null)
        {
            // Queued messages are given up when the connection is aborted, or when a clean stop's drain time is over.
            inbound = new InboundQueue(
                current.Limits.InboundQueueMessages,
                lifecycle.DrainDeadline,
                entry => InvokeAsync(connection, entry.Route, entry.Message, entry.IsText, connection.Inbound!.Cancelled).AsTask(),
                ex => LogQueueBug(logger, ex, connection.Api, connection.Id));
            connection.Inbound = inbound;
        }

        // Waits while the queue is full: the receive loop stops reading and TCP pushes back on the client.
        await inbound.EnqueueAsync(route, message, isText, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// A connection an <c>apiKey</c> authorizer admitted spends its key's plan with every message (the throttle, then the
    /// quota, as a REST call does; the route key stands for the resource). A refused message is not routed; the sender
    /// gets an error frame in API Gateway's envelope with the REST answer's words: Too Many Requests, Limit Exceeded,
    /// or Forbidden for a key on a plan the definition does not have.
    /// </summary>
    private async ValueTask<bool> WithinPlanAsync(WebSocketConnection connection, Auth.ApiKeyRecord key, GatewayRuntime current, RouteRuntime route)
    {
        RateLimiting.UsageVerdict verdict;
        try
        {
            verdict = await usagePlans.CheckKeyAsync(current.UsagePlans, key, null, connection.Api, connection.Stage, route.Key, "MESSAGE", CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The quota's store failed: the message is not let through uncounted.
            var requestId = ConnectionIds.New();
            LogIntegrationFailed(logger, ex, connection.Api, route.Key, connection.Id, requestId);
            connection.TryEnqueue(ErrorFrames.Frame(ErrorFrames.InternalServerError, connection.Id, requestId));
            return false;
        }

        var refusal = verdict switch
        {
            RateLimiting.UsageVerdict.Allowed => null,
            RateLimiting.UsageVerdict.Throttled => ErrorFrames.TooManyRequests,
            RateLimiting.UsageVerdict.QuotaExceeded => ErrorFrames.LimitExceeded,
            _ => ErrorFrames.Forbidden,
        };
        if (refusal is not null)
        {
            connection.TryEnqueue(ErrorFrames.Frame(refusal, connection.Id, ConnectionIds.New()));
        }

        return refusal is null;
    }

    /// <summary>Runs one message through its route's integration and answers the sender as API Gateway would. Never throws.</summary>
    private async ValueTask InvokeAsync(WebSocketConnection connection, RouteRuntime route, ReadOnlyMemory<byte> message, bool isText, CancellationToken cancellationToken)
    {
        RouteResult result;
        try
        {
            result = await route.Integration.InvokeAsync(
                new RouteInvocation(connection, RouteEventType.Message, route.Key, message, isText), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var requestId = ConnectionIds.New();
            LogIntegrationFailed(logger, ex, connection.Api, route.Key, connection.Id, requestId);
            connection.TryEnqueue(ErrorFrames.Frame(ErrorFrames.InternalServerError, connection.Id, requestId));
            return;
        }

        switch (result.Outcome)
        {
            case RouteOutcome.Failed or RouteOutcome.Unavailable:
                connection.TryEnqueue(ErrorFrames.Frame(ErrorFrames.InternalServerError, connection.Id, ConnectionIds.New()));
                break;
            case RouteOutcome.TimedOut:
                connection.TryEnqueue(ErrorFrames.Frame(ErrorFrames.EndpointTimedOut, connection.Id, ConnectionIds.New()));
                break;
            case RouteOutcome.Completed when route.TwoWay && !string.IsNullOrEmpty(result.Body):
                // A route response sends the result's body whatever its status, as API Gateway's $default route response
                // does; a body over the message limit is an integration error, as API Gateway's 128 KiB frame limit makes it.
                var body = System.Text.Encoding.UTF8.GetBytes(result.Body);
                connection.TryEnqueue(body.Length <= connection.MaxMessageBytes
                    ? WebSocketFrames.Text(body)
                    : ErrorFrames.Frame(ErrorFrames.InternalServerError, connection.Id, ConnectionIds.New()));
                break;
        }
    }

    [LoggerMessage(EventId = 201, Level = LogLevel.Error, Message = "Inbound queue of connection {ConnectionId} on API {Api} caught an unexpected failure")]
    private static partial void LogQueueBug(ILogger logger, Exception exception, string api, string connectionId);

    [LoggerMessage(EventId = 200, Level = LogLevel.Error, Message = "Integration of route {RouteKey} of API {Api} failed for connection {ConnectionId} (request {RequestId})")]
    private static partial void LogIntegrationFailed(ILogger logger, Exception exception, string api, string routeKey, string connectionId, string requestId);
}
