using System.Text;
using Microsoft.AspNetCore.Http;
using Switchboard.Connections;
using Switchboard.Management;
using Switchboard.Operations;
using Switchboard.Registry;
using Switchboard.Rest;
using Switchboard.Routing;

namespace Switchboard.Hosting;

/// <summary>
/// The one terminal handler: sends each request to operations (<c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>), a
/// WebSocket stage, the <c>@connections</c> API, or a REST method, by path, on the current runtime snapshot.
/// </summary>
internal sealed class GatewayRequestHandler(
    GatewayRuntimeHolder runtime,
    WebSocketEndpoint webSockets,
    ConnectionsEndpoint management,
    StageEndpoint stageManagement,
    RestEndpoint rest,
    IConnectionRegistry registry,
    GatewayLifecycle lifecycle,
    StoreHealth storeHealth,
    GatewayMetrics metrics)
{
    private const string ConnectionsSegment = "/@connections/";
    private const string StageConnectionsSuffix = "/@connections";
    private const string GroupsSegment = "/@groups/";
    private const string StoreRefusing = "the store does not accept writes";

    public Task HandleAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "/";
        switch (path)
        {
            case "/healthz":
                return HttpAnswers.JsonAsync(http, StatusCodes.Status200OK, "{\"status\":\"ok\"}");
            case "/readyz":
                return ReadyAsync(http);
            case "/metrics":
                return MetricsAsync(http);
        }

        var current = runtime.Current;
        if (current.TryMatchWebSocket(path, out var api, out var stage))
        {
            return webSockets.HandleAsync(http, api, stage, current);
        }

        var at = path.IndexOf(ConnectionsSegment, StringComparison.Ordinal);
        if (at >= 0)
        {
            var connectionId = path[(at + ConnectionsSegment.Length)..];
            if (current.TryMatchWebSocket(path[..at], out api, out stage))
            {
                return management.HandleAsync(http, api, stage, connectionId, current);
            }

            return HttpAnswers.JsonAsync(http, StatusCodes.Status404NotFound, JsonMessages.Message(
                $"no WebSocket stage at '{path[..at]}'; the callback URL is http://HOST:PORT/{{stage}}"));
        }

        if (path.EndsWith(StageConnectionsSuffix, StringComparison.Ordinal))
        {
            var stagePath = path[..^StageConnectionsSuffix.Length];
            if (current.TryMatchWebSocket(stagePath, out api, out stage))
            {
                return stageManagement.BroadcastAsync(http, api, stage, current);
            }
        }

        var groupsAt = path.IndexOf(GroupsSegment, StringComparison.Ordinal);
        if (groupsAt >= 0 && current.TryMatchWebSocket(path[..groupsAt], out api, out stage))
        {
            return stageManagement.GroupsAsync(http, api, stage, path[(groupsAt + GroupsSegment.Length)..], current);
        }

        if (current.TryMatchRest(path, out var restApi, out stage, out var resourcePath))
        {
            return rest.HandleAsync(http, restApi, stage, resourcePath, current.UsagePlans);
        }

        return HttpAnswers.JsonAsync(http, StatusCodes.Status404NotFound, JsonMessages.Message($"nothing is served at '{path}'"));
    }

    /// <summary>
    /// Ready means handshakes would be taken now: the gateway accepts (not starting or stopping) and the store takes
    /// writes. A probe that finds the store refusing marks it so (<see cref="StoreHealth"/>), so handshakes are refused at
    /// once too; while it is marked, no probe runs here (<see cref="StoreRecovery"/> probes every second).
    /// </summary>
    private async Task ReadyAsync(HttpContext http)
    {
        string? problem = null;
        if (!lifecycle.IsAccepting)
        {
            problem = "the gateway is starting or shutting down";
        }
        else if (storeHealth.IsRefusing)
        {
            problem = StoreRefusing;
        }
        else if (!await registry.PingAsync(http.RequestAborted).ConfigureAwait(false))
        {
            // A probe cut short by the caller going away says nothing about the store.
            if (!http.RequestAborted.IsCancellationRequested)
            {
                storeHealth.ReportFailure("the readiness probe", null);
            }

            problem = StoreRefusing;
        }

        await HttpAnswers.JsonAsync(
            http,
            problem is null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable,
            problem is null ? "{\"status\":\"ready\"}" : $"{{\"status\":\"unavailable\",\"message\":\"{problem}\"}}").ConfigureAwait(false);
    }

    private Task MetricsAsync(HttpContext http)
    {
        var text = new StringBuilder(2048);
        metrics.WritePrometheus(text);
        http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        return http.Response.WriteAsync(text.ToString());
    }
}
