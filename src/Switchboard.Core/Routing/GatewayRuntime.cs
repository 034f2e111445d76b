using Switchboard.Connections;
using Switchboard.Definition;
using Switchboard.Rest;

namespace Switchboard.Routing;

/// <summary>
/// An immutable, compiled snapshot of the definition: what every request reads to find its API, stage, route and
/// integration. Built by <see cref="GatewayRuntimeBuilder"/>; swapped whole by <see cref="GatewayRuntimeHolder"/>.
/// </summary>
internal sealed class GatewayRuntime(
    GatewayDefinition definition,
    IReadOnlyDictionary<string, WebSocketApiRuntime> webSocketApis,
    IReadOnlyDictionary<string, (WebSocketApiRuntime Api, string Stage)> webSocketPaths,
    IReadOnlyDictionary<string, (RestApiRuntime Api, string Stage)> restStagePaths)
{
    public GatewayDefinition Definition { get; } = definition;

    public ConnectionSettings ConnectionSettings { get; } = ConnectionSettings.From(definition.Limits);

    public LimitsDefinition Limits => Definition.Limits;

    /// <summary>The proxies whose <c>X-Forwarded-For</c> names the client (<c>limits.trustedProxies</c>).</summary>
    public TrustedProxies TrustedProxies { get; } = new(definition.Limits.TrustedProxies);

    public IReadOnlyDictionary<string, WebSocketApiRuntime> WebSocketApis { get; } = webSocketApis;

    /// <summary>The usage plans and REST stage throttles of this snapshot.</summary>
    public RateLimiting.UsagePlanSet UsagePlans { get; } = RateLimiting.UsagePlanSet.From(definition);

    /// <summary>The WebSocket API and stage served at <paramref name="path"/> (<c>/dev</c>, <c>/chat/dev</c>).</summary>
    public bool TryMatchWebSocket(string path, out WebSocketApiRuntime api, out string stage)
    {
        if (webSocketPaths.TryGetValue(path.TrimEnd('/'), out var match))
        {
            (api, stage) = match;
            return true;
        }

        (api, stage) = (null!, "");
        return false;
    }

    /// <summary>The REST API and stage whose prefix starts <paramref name="path"/>, and the resource path after it.</summary>
    public bool TryMatchRest(string path, out RestApiRuntime api, out string stage, out string resourcePath)
    {
        var bestLength = -1;
        (api, stage, resourcePath) = (null!, "", "");
        foreach (var (prefix, match) in restStagePaths)
        {
            if (prefix.Length > bestLength
                && path.StartsWith(prefix, StringComparison.Ordinal)
                && (path.Length == prefix.Length || path[prefix.Length] == '/'))
            {
                bestLength = prefix.Length;
                (api, stage) = match;
                resourcePath = path[prefix.Length..];
            }
        }

        return bestLength >= 0;
    }

    public static string StagePath(string basePath, string stage) =>
        basePath.Length == 0 ? "/" + stage : "/" + basePath.Trim('/') + "/" + stage;
}
