using Switchboard.Definition;
using Switchboard.Integrations;
using Switchboard.Integrations.Catalog;
using Switchboard.Rest;

namespace Switchboard.Routing;

/// <summary>
/// Compiles a validated <see cref="GatewayDefinition"/> into a <see cref="GatewayRuntime"/>: parses every expression
/// and has each integration's factory (<see cref="IntegrationCatalog"/>) build its runtime once, so the message path
/// only looks things up.
/// </summary>
internal sealed class GatewayRuntimeBuilder(IntegrationCatalog catalog, IntegrationServices services, Auth.IApiKeyStore apiKeys)
{
    /// <summary>Builds the snapshot; throws <see cref="InvalidOperationException"/> for what validation should have caught.</summary>
    public GatewayRuntime Build(GatewayDefinition definition)
    {
        var webSocketApis = new Dictionary<string, WebSocketApiRuntime>(StringComparer.Ordinal);
        var webSocketPaths = new Dictionary<string, (WebSocketApiRuntime, string)>(StringComparer.Ordinal);
        foreach (var api in definition.WebSocketApis)
        {
            var runtime = BuildWebSocketApi(api, definition);
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

    private WebSocketApiRuntime BuildWebSocketApi(WebSocketApiDefinition api, GatewayDefinition definition)
    {
        if (!RouteSelectionExpression.TryParse(api.RouteSelectionExpression, out var selector, out var error))
        {
            throw new InvalidOperationException(error);
        }

        var routes = new Dictionary<string, RouteRuntime>(StringComparer.Ordinal);
        RouteRuntime? connect = null, disconnect = null, defaultRoute = null;
        foreach (var (key, route) in api.Routes)
        {
            if (route.Integration is null)
            {
                continue;
            }

            var placement = key switch
            {
                DefinitionValues.ConnectRoute => IntegrationPlacement.Connect,
                DefinitionValues.DisconnectRoute => IntegrationPlacement.Disconnect,
                _ => IntegrationPlacement.Message,
            };
            var integration = catalog.Get(route.Integration.Type)
                .BuildRoute(new IntegrationBuildContext(route.Integration, placement, key, api.Name, definition, services));
            var runtime = new RouteRuntime(key, integration, route.RouteResponseSelectionExpression == DefinitionValues.DefaultRoute);
            switch (key)
            {
                case DefinitionValues.ConnectRoute: connect = runtime; break;
                case DefinitionValues.DisconnectRoute: disconnect = runtime; break;
                case DefinitionValues.DefaultRoute: defaultRoute = runtime; break;
                default: routes.Add(key, runtime); break;
            }
        }

        return new WebSocketApiRuntime(api.Name, api.BasePath, api.Stages.Keys.ToHashSet(StringComparer.Ordinal), selector, routes, connect, disconnect, defaultRoute)
        {
            Authorizer = api.Authorizer is null ? null : Authorizers.AuthorizerFactory.Build(api.Authorizer, api.Name, services, apiKeys),
            StageVariables = api.Stages.ToDictionary(static s => s.Key, static s => s.Value.Variables, StringComparer.Ordinal),
        };
    }

    private RestApiRuntime BuildRestApi(RestApiDefinition api, GatewayDefinition definition)
    {
        var resources = new List<RestResourceRuntime>();
        foreach (var (path, resource) in api.Resources)
        {
            var methods = new Dictionary<string, RestMethodRuntime>(StringComparer.Ordinal);
            foreach (var (verb, method) in resource.Methods)
            {
                var integration = catalog.Get(method.Integration!.Type)
                    .BuildRest(new IntegrationBuildContext(method.Integration, IntegrationPlacement.Rest, verb, api.Name, definition, services));
                methods.Add(verb, new RestMethodRuntime(verb, method.ApiKeyRequired, integration));
            }

            resources.Add(new RestResourceRuntime(new ResourcePathTemplate(path), methods));
        }

        // /items/special must win over /items/{id} whatever the order they were declared in.
        return new RestApiRuntime(api.Name, api.BasePath, api.Stages, [.. resources.OrderBy(static r => r.Path.ParameterCount)]);
    }
}
