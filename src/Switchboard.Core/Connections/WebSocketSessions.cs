using Microsoft.Extensions.Logging;
using Switchboard.Groups;
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
    Delivery.IMessageDelivery delivery,
    MessageRouter router,
    GatewayMetrics metrics,
    GatewayLifecycle lifecycle,
    RegistryWrites registryWrites,
    TimeProvider time,
    MessageAssemblyBudget assemblyBudget,
    ILogger<WebSocketSessions> logger)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _failureKinds = new(StringComparer.Ordinal);

    // Clients of one gateway use a handful of Host values; one string each instead of one per connection. Bounded, so
    // clients sending random Hosts cannot grow it: past the bound a connection keeps its own copy.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _hosts = new(StringComparer.Ordinal);

    private string SharedHost(string host) =>
        _hosts.TryGetValue(host, out var shared) ? shared : _hosts.Count < 256 ? _hosts.GetOrAdd(host, host) : host;

    public WebSocketConnection Create(WebSocketApiRuntime api, string stage, ConnectContext handshake, GatewayRuntime runtime) =>
        new(ConnectionIds.New(), api.Name, stage, handshake.SourceIp, handshake.UserAgent, runtime.ConnectionSettings, metrics, time, assemblyBudget)
        {
            DomainName = SharedHost(handshake.Host),
        };

    /// <summary>
    /// Runs <c>$connect</c> before the 101, as API Gateway does: a 2xx answer accepts the handshake (its headers, such as
    /// <c>Sec-WebSocket-Protocol</c>, go on the 101), any other status refuses it with that status, a failure with 502,
    /// a timeout with 504 and a registry row the store would not write with 503. A refused connection leaves no registry
    /// row and never existed.
    /// </summary>
    public async Task<RouteResult> ConnectAsync(WebSocketApiRuntime api, WebSocketConnection connection, ConnectContext handshake)
    {
        var result = await AuthorizeAndConnectAsync(api, connection, handshake).ConfigureAwait(false);
        if (!result.IsSuccessStatus)
        {
            return result;
        }

        try
        {
            // In a cluster, every node must be able to reach the connection from its first message on.
            await delivery.OnConnectedAsync(connection).ConfigureAwait(false);
            return result;
        }
        catch (Exception ex)
        {
            LogAnnounceFailed(logger, ex, api.Name, connection.Stage, connection.Id);
            await DisconnectAsync(api, connection, runIntegration: false).ConfigureAwait(false);
            connections.Untrack(connection);
            return RouteResult.Unavailable;
        }
    }

    private async Task<RouteResult> AuthorizeAndConnectAsync(WebSocketApiRuntime api, WebSocketConnection connection, ConnectContext handshake)
    {
        // Tracked from here, so a shutdown that begins while $connect runs waits for this connection (and its
        // registry row) instead of closing the store under it.
        connections.Track(connection);
        if (api.Authorizer is { } authorizer && await AuthorizeAsync(api, authorizer, connection, handshake).ConfigureAwait(false) is { } refusal)
        {
            connections.Untrack(connection);
            return refusal;
        }

        if (api.Connect is not { } onConnect)
        {
            return RouteResult.Ok;
        }

        RouteResult result;
        try
        {
            result = await onConnect.Integration.InvokeAsync(
                new RouteInvocation(connection, RouteEventType.Connect, "$connect", default, false, handshake), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogConnectFailed(logger, ex, api.Name, connection.Stage, connection.Id);
            result = RouteResult.Failed;
        }

        if (!result.IsSuccessStatus)
        {
            LogConnectRefused(logger, api.Name, connection.Stage, connection.Id, result.Outcome, result.StatusCode);
            await DisconnectAsync(api, connection, runIntegration: false).ConfigureAwait(false);
            connections.Untrack(connection);
        }

        return result;
    }

    /// <summary>
    /// Asks the API's authorizer, before <c>$connect</c>: admitted, the connection keeps the identity (later events carry
    /// it); refused, the handshake gets the authorizer's 401, 403 or 500 and nothing else runs. Null when admitted.
    /// </summary>
    private async Task<RouteResult?> AuthorizeAsync(WebSocketApiRuntime api, Authorizers.IConnectAuthorizer authorizer, WebSocketConnection connection, ConnectContext handshake)
    {
        Authorizers.AuthorizerDecision decision;
        try
        {
            var variables = api.StageVariables.GetValueOrDefault(connection.Stage) ?? new Dictionary<string, string>();
            decision = await authorizer.AuthorizeAsync(new Authorizers.AuthorizerRequest(handshake, connection, variables), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogAuthorizerFailed(logger, ex, api.Name, connection.Stage, connection.Id);
            decision = Authorizers.AuthorizerDecision.Failed;
        }

        if (decision.IsAllowed)
        {
            connection.Identity = decision.Identity;
            return null;
        }

        LogAuthorizerRefused(logger, api.Name, connection.Stage, connection.Id, decision.Status);
        return new RouteResult(RouteOutcome.Completed, decision.Status);
    }

    /// <summary>
    /// Makes the connection reachable, then <paramref name="acceptAsync"/> sends the 101 and returns the socket (null when
    /// that failed); the connection runs until closed, then is cleaned up. Reachable before the 101, so a backend told
    /// of the connection by the client's first message can already post to it (frames wait in its queue).
    /// </summary>
    public async Task RunAsync(WebSocketApiRuntime api, WebSocketConnection connection, Func<Task<ConnectionTransport?>> acceptAsync)
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
            var accepting = acceptAsync();

            // What the 101 needed (the handshake's transport, the response bytes) is not kept for the connection's life.
            acceptAsync = null!;
            var accepted = await accepting.ConfigureAwait(false);
            if (accepted is not { } transport)
            {
                connection.Abort();
                return;
            }

            LogConnected(logger, connection.Id, api.Name, connection.Stage, connection.SourceIp);
            await connection.RunAsync(transport, router).ConfigureAwait(false);
            if (connection.UnexpectedFailure is { } failure)
            {
                LogUnexpectedFailure(failure, connection.Id);
            }
        }
        finally
        {
            connections.Remove(connection);
            await delivery.OnDisconnectedAsync(connection).ConfigureAwait(false);
            metrics.Disconnected();
            await DisconnectAsync(api, connection, runIntegration: !connection.DisconnectedElsewhere).ConfigureAwait(false);
            connections.Untrack(connection);
            LogDisconnected(logger, connection.Id, connection.CloseStatus);
        }
    }

    /// <summary>
    /// After the connection's queued backend messages are done: <c>$disconnect</c>, once, best-effort as in API Gateway;
    /// then its group memberships are forgotten, and a registry row the integration did not remove is removed anyway
    /// (now, or once the store takes writes again), so the registry never keeps a closed connection.
    /// </summary>
    public async Task DisconnectAsync(WebSocketApiRuntime api, WebSocketConnection connection, bool runIntegration)
    {
        try
        {
            if (connection.Inbound is { } inbound)
            {
                await inbound.CompleteAsync().ConfigureAwait(false);
            }

            // A clean stop gives $disconnect until its exit deadline, so it finishes (or gives up) before the process ends.
            if (runIntegration && api.Disconnect is { } onDisconnect)
            {
                var result = await onDisconnect.Integration.InvokeAsync(
                    new RouteInvocation(connection, RouteEventType.Disconnect, "$disconnect", default, false), lifecycle.ExitDeadline).ConfigureAwait(false);
                if (result.Outcome != RouteOutcome.Completed)
                {
                    LogDisconnectUnanswered(logger, api.Name, connection.Id, result.Outcome);
                }
            }
        }
        catch (Exception ex)
        {
            LogDisconnectFailed(logger, ex, api.Name, connection.Id);
        }

        // Never throws and never hangs: a removal the store refuses is retried once it works again, and logged once
        // for the whole outage, not for each connection.
        await registryWrites.RemoveClosedAsync(connection).ConfigureAwait(false);
    }

    /// <summary>
    /// A bug that ended a connection: the first of each kind (exception type and the method that threw) is logged as
    /// an error with its stack trace, later ones at Debug, so a bug a client can trigger cannot flood the log.
    /// </summary>
    private void LogUnexpectedFailure(Exception failure, string connectionId)
    {
        var kind = $"{failure.GetType().FullName} at {failure.TargetSite?.DeclaringType?.Name}.{failure.TargetSite?.Name}";
        if (_failureKinds.Count < 1000 && _failureKinds.TryAdd(kind, 0))
        {
            LogReceiveLoopFailed(logger, failure, connectionId);
        }
        else
        {
            LogReceiveLoopFailedAgain(logger, kind, connectionId);
        }
    }

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "Connection {ConnectionId} closed with 1011 after an unexpected failure; further failures of this kind are logged at Debug")]
    private static partial void LogReceiveLoopFailed(ILogger logger, Exception exception, string connectionId);

    [LoggerMessage(EventId = 8, Level = LogLevel.Debug, Message = "Connection {ConnectionId} closed with 1011 after an unexpected failure ({Kind})")]
    private static partial void LogReceiveLoopFailedAgain(ILogger logger, string kind, string connectionId);

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Connection {ConnectionId} opened on {Api}/{Stage} from {SourceIp}")]
    private static partial void LogConnected(ILogger logger, string connectionId, string api, string stage, string sourceIp);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Connection {ConnectionId} closed with {CloseStatus}")]
    private static partial void LogDisconnected(ILogger logger, string connectionId, ushort closeStatus);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "$connect integration of {Api}/{Stage} failed for connection {ConnectionId}; handshake refused")]
    private static partial void LogConnectFailed(ILogger logger, Exception exception, string api, string stage, string connectionId);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Connection {ConnectionId} of {Api}/{Stage} could not be announced to the cluster; handshake refused with 503")]
    private static partial void LogAnnounceFailed(ILogger logger, Exception exception, string api, string stage, string connectionId);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "$disconnect of {Api} failed for connection {ConnectionId}")]
    private static partial void LogDisconnectFailed(ILogger logger, Exception exception, string api, string connectionId);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "$connect of {Api}/{Stage} refused connection {ConnectionId}: {Outcome}, status {Status}")]
    private static partial void LogConnectRefused(ILogger logger, string api, string stage, string connectionId, RouteOutcome outcome, int status);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "The authorizer of {Api}/{Stage} refused connection {ConnectionId} with {Status}")]
    private static partial void LogAuthorizerRefused(ILogger logger, string api, string stage, string connectionId, int status);

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "The authorizer of {Api}/{Stage} failed for connection {ConnectionId}; handshake refused with 500")]
    private static partial void LogAuthorizerFailed(ILogger logger, Exception exception, string api, string stage, string connectionId);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "$disconnect of {Api} for connection {ConnectionId} got no answer: {Outcome}")]
    private static partial void LogDisconnectUnanswered(ILogger logger, string api, string connectionId, RouteOutcome outcome);
}
