using System.Text;
using Microsoft.Extensions.Logging;
using Switchboard.Connections;
using Switchboard.Definition;
using Switchboard.Delivery;
using Switchboard.Integrations;
using Switchboard.Registry;
using Switchboard.Rest;

namespace Switchboard.Routing;

/// <summary>
/// Compiles a validated <see cref="GatewayDefinition"/> into a <see cref="GatewayRuntime"/>: parses every expression
/// and creates every integration once, so the message path only looks things up.
/// </summary>
internal sealed partial class GatewayRuntimeBuilder(
    IMessageDelivery delivery,
    IConnectionRegistry registry,
    NodeIdentity node,
    Func<string, string?> environment,
    ILogger<GatewayRuntimeBuilder> logger)
{
    /// <summary>Builds the snapshot; throws <see cref="InvalidOperationException"/> for what validation should have caught.</summary>
    public GatewayRuntime Build(GatewayDefinition definition)
    {
        var webSocketApis = new Dictionary<string, WebSocketApiRuntime>(StringComparer.Ordinal);
        var webSocketPaths = new Dictionary<string, (WebSocketApiRuntime, string)>(StringComparer.Ordinal);
        foreach (var api in definition.WebSocketApis)
        {
            var runtime = BuildWebSocketApi(api);
            webSocketApis.Add(api.Name, runtime);
            foreach (var stage in api.Stages.Keys)
            {
                webSocketPaths.Add(GatewayRuntime.StagePath(api.BasePath, stage), (runtime, stage));
            }
        }

        var restPaths = new Dictionary<string, (RestApiRuntime, string)>(StringComparer.Ordinal);
        foreach (var api in definition.RestApis)
        {
            var runtime = BuildRestApi(api, definition);
            foreach (var stage in api.Stages.Keys)
            {
                restPaths.Add(GatewayRuntime.StagePath(api.BasePath, stage), (runtime, stage));
            }
        }

        return new GatewayRuntime(definition, webSocketApis, webSocketPaths, restPaths);
    }

    private WebSocketApiRuntime BuildWebSocketApi(WebSocketApiDefinition api)
    {
        if (!RouteSelectionExpression.TryParse(api.RouteSelectionExpression, out var selector, out var error))
        {
            throw new InvalidOperationException(error);
        }

        var routes = new Dictionary<string, IRouteIntegration>(StringComparer.Ordinal);
        IRouteIntegration? connect = null, disconnect = null, defaultRoute = null;
        foreach (var (key, route) in api.Routes)
        {
            if (route.Integration is null)
            {
                continue;
            }

            var integration = BuildRouteIntegration(api, key, route.Integration);
            switch (key)
            {
                case "$connect": connect = integration; break;
                case "$disconnect": disconnect = integration; break;
                case "$default": defaultRoute = integration; break;
                default: routes.Add(key, integration); break;
            }
        }

        return new WebSocketApiRuntime(api.Name, api.BasePath, api.Stages.Keys.ToHashSet(StringComparer.Ordinal), selector, routes, connect, disconnect, defaultRoute);
    }

    private IRouteIntegration BuildRouteIntegration(WebSocketApiDefinition api, string routeKey, IntegrationDefinition integration) =>
        integration.Type switch
        {
            IntegrationTypes.RegistrySave => new RegistrySaveIntegration(registry, node),
            IntegrationTypes.RegistryDelete => new RegistryDeleteIntegration(registry),
            IntegrationTypes.Broadcast => new BroadcastIntegration(
                delivery,
                ParsePath(integration.Payload ?? ""),
                string.Equals(integration.Recipients, "all", StringComparison.Ordinal),
                integration.Secret is null ? null : ResolveSecret(api.Name, routeKey, integration.Secret)),
            _ => throw new InvalidOperationException($"unknown integration type '{integration.Type}'"),
        };

    private MessageSecret ResolveSecret(string api, string routeKey, SecretDefinition secret)
    {
        var value = environment(secret.Env);
        if (string.IsNullOrEmpty(value))
        {
            value = secret.Fallback;
            if (value is null)
            {
                LogSecretMissing(logger, api, routeKey, secret.Env);
            }
            else
            {
                LogSecretFallback(logger, api, routeKey, secret.Env);
            }
        }

        return new MessageSecret(ParsePath(secret.Path), value is null ? null : Encoding.UTF8.GetBytes(value));
    }

    private RestApiRuntime BuildRestApi(RestApiDefinition api, GatewayDefinition definition)
    {
        var resources = new List<RestResourceRuntime>();
        foreach (var (path, resource) in api.Resources)
        {
            var methods = new Dictionary<string, RestMethodRuntime>(StringComparer.Ordinal);
            foreach (var (verb, method) in resource.Methods)
            {
                var integration = BuildRestIntegration(method.Integration!, definition);
                methods.Add(verb, new RestMethodRuntime(verb, method.ApiKeyRequired, integration));
            }

            resources.Add(new RestResourceRuntime(new ResourcePathTemplate(path), methods));
        }

        // /items/special must win over /items/{id} whatever the order they were declared in.
        return new RestApiRuntime(api.Name, api.BasePath, api.Stages, [.. resources.OrderBy(static r => r.Path.ParameterCount)]);
    }

    private RestBroadcastIntegration BuildRestIntegration(IntegrationDefinition integration, GatewayDefinition definition)
    {
        if (integration.Type != IntegrationTypes.Broadcast)
        {
            throw new InvalidOperationException($"integration type '{integration.Type}' is not available on REST methods");
        }

        var parameters = new Dictionary<string, RequestParameterSource>(StringComparer.Ordinal);
        foreach (var (name, expression) in integration.RequestParameters)
        {
            if (!RequestParameterSource.TryParse(expression, out var source, out var error))
            {
                throw new InvalidOperationException(error);
            }

            parameters.Add(name, source);
        }

        var target = integration.WebSocketApi is null
            ? definition.WebSocketApis.Single()
            : definition.WebSocketApis.Single(a => a.Name == integration.WebSocketApi);
        var message = integration.Message!;
        return new RestBroadcastIntegration(
            delivery,
            parameters,
            message,
            DisplayName(message, integration.RequestParameters[message]),
            string.Equals(integration.MessageFormat, "positiveNumber", StringComparison.Ordinal),
            target.Name,
            target.Stages.Keys.ToHashSet(StringComparer.Ordinal),
            integration.StageParameter);
    }

    /// <summary>The name the caller knows a parameter by: <c>progId</c> for <c>$input.params('progId')</c>.</summary>
    private static string DisplayName(string parameter, string expression)
    {
        var quote = expression.IndexOf('\'');
        if (expression.StartsWith("$input.params('", StringComparison.Ordinal) && expression.EndsWith("')", StringComparison.Ordinal))
        {
            return expression[(quote + 1)..^2];
        }

        return expression.StartsWith("method.request.", StringComparison.Ordinal) ? expression[(expression.LastIndexOf('.') + 1)..] : parameter;
    }

    private static JsonBodyPath ParsePath(string text) =>
        JsonBodyPath.TryParse(text, out var path, out var error) ? path : throw new InvalidOperationException(error);

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "{Env} is not set: route {RouteKey} of API {Api} uses the built-in demo secret. Set {Env} before exposing this gateway.")]
    private static partial void LogSecretFallback(ILogger logger, string api, string routeKey, string env);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "{Env} is not set and route {RouteKey} of API {Api} has no fallback: every message to it is refused.")]
    private static partial void LogSecretMissing(ILogger logger, string api, string routeKey, string env);
}
