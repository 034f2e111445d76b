using Microsoft.Extensions.Logging;
using Switchboard.Connections;
using Switchboard.Integrations;
using Switchboard.Operations;
using Switchboard.Routing;

namespace Switchboard.Delivery;

/// <summary>
/// <c>$disconnect</c> for the connections of a node that died without closing them (kill -9, a lost host): a surviving
/// node claims them (<see cref="IMessageDelivery.ClaimOrphansAsync"/>, each to exactly one node) and runs the API's
/// <c>$disconnect</c> integration for each, as the dead node would have: at most once (a claimed connection is nobody
/// else's), and exactly once unless the claiming node itself dies or stops in the middle. The event carries what the
/// cluster kept of the connection; its close status is 1006 (no close frame was ever exchanged).
/// </summary>
internal sealed partial class OrphanDisconnects(
    GatewayRuntimeHolder runtimes,
    GatewayMetrics metrics,
    TimeProvider time,
    MessageAssemblyBudget assemblyBudget,
    ILogger<OrphanDisconnects> logger)
{
    /// <summary>How many of a dead node's <c>$disconnect</c> calls run at once: a backend is not flooded, and thousands finish in seconds.</summary>
    public const int Concurrency = 16;

    /// <summary>Runs <c>$disconnect</c> for each connection; never throws for one connection's failure.</summary>
    public async Task RunAsync(IReadOnlyList<ConnectionSnapshot> orphans, CancellationToken cancellationToken)
    {
        var runtime = runtimes.Current;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(orphans, options, async (orphan, cancel) =>
        {
            if (!runtime.WebSocketApis.TryGetValue(orphan.Api, out var api) || api.Disconnect is not { } onDisconnect)
            {
                return;
            }

            try
            {
                var connection = WebSocketConnection.Orphan(orphan, runtime.ConnectionSettings, metrics, time, assemblyBudget);
                var result = await onDisconnect.Integration.InvokeAsync(
                    new RouteInvocation(connection, RouteEventType.Disconnect, "$disconnect", default, false), cancel).ConfigureAwait(false);
                if (result.Outcome != RouteOutcome.Completed)
                {
                    LogUnanswered(logger, orphan.Api, orphan.ConnectionId, result.Outcome);
                }
            }
            catch (Exception ex) when (!cancel.IsCancellationRequested)
            {
                LogFailed(logger, ex, orphan.Api, orphan.ConnectionId);
            }
        }).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 900, Level = LogLevel.Warning, Message = "$disconnect of {Api} for connection {ConnectionId}, left by a dead node, failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string api, string connectionId);

    [LoggerMessage(EventId = 901, Level = LogLevel.Warning, Message = "$disconnect of {Api} for connection {ConnectionId}, left by a dead node, got no answer: {Outcome}")]
    private static partial void LogUnanswered(ILogger logger, string api, string connectionId, RouteOutcome outcome);
}
