using System.Text;
using Switchboard.Integrations;

namespace Switchboard.Routing;

/// <summary>A route compiled: its key, its integration, and whether the integration's answer goes back to the sender.</summary>
internal sealed record RouteRuntime(string Key, IRouteIntegration Integration, bool TwoWay);

/// <summary>A WebSocket API compiled for the message path: its stages, its selector and its routes' integrations.</summary>
internal sealed class WebSocketApiRuntime
{
    // Longer values cannot be a route key worth decoding on the stack; they fall through to $default.
    private const int MaxStackKeyBytes = 512;

    private readonly Dictionary<string, RouteRuntime> _routes;
    private readonly Dictionary<string, RouteRuntime>.AlternateLookup<ReadOnlySpan<char>> _routesBySpan;

    public WebSocketApiRuntime(
        string name,
        string basePath,
        IReadOnlySet<string> stages,
        RouteSelectionExpression selector,
        Dictionary<string, RouteRuntime> routes,
        RouteRuntime? connect,
        RouteRuntime? disconnect,
        RouteRuntime? defaultRoute)
    {
        Name = name;
        BasePath = basePath;
        Stages = stages;
        Selector = selector;
        _routes = routes;
        _routesBySpan = routes.GetAlternateLookup<ReadOnlySpan<char>>();
        Connect = connect;
        Disconnect = disconnect;
        Default = defaultRoute;
    }

    public string Name { get; }

    public string BasePath { get; }

    public IReadOnlySet<string> Stages { get; }

    public RouteSelectionExpression Selector { get; }

    public RouteRuntime? Connect { get; }

    public RouteRuntime? Disconnect { get; }

    public RouteRuntime? Default { get; }

    /// <summary>Who may connect (the API's <c>authorizer</c>), asked before <c>$connect</c>; null: anyone.</summary>
    public Authorizers.IConnectAuthorizer? Authorizer { get; init; }

    /// <summary>Each stage's variables, for authorizer events.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> StageVariables { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();

    /// <summary>
    /// Picks the route for a message as API Gateway does: the route whose key equals the evaluated expression exactly,
    /// else <c>$default</c> (also for binary and non-JSON messages). False when neither exists.
    /// </summary>
    public bool TrySelect(ReadOnlySpan<byte> message, bool isText, out RouteRuntime route)
    {
        if (isText && TryMatch(message, out route!))
        {
            return true;
        }

        route = Default!;
        return Default is not null;
    }

    private bool TryMatch(ReadOnlySpan<byte> message, out RouteRuntime? route)
    {
        route = null;
        if (Selector.SinglePath is { } path)
        {
            // Fast path: one variable, looked up without allocating a string for the key.
            var lookup = JsonBody.Find(message, path);
            if (!lookup.Found)
            {
                return false;
            }

            var value = lookup.Value(message);
            if (value.Length > MaxStackKeyBytes)
            {
                return false;
            }

            Span<char> chars = stackalloc char[MaxStackKeyBytes];
            return Encoding.UTF8.TryGetChars(value, chars, out var length)
                && _routesBySpan.TryGetValue(chars[..length], out route);
        }

        return Selector.TryEvaluate(message, out var key) && _routes.TryGetValue(key, out route);
    }
}
