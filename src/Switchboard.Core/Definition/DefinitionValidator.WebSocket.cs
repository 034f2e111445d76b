using Switchboard.Routing;

namespace Switchboard.Definition;

public static partial class DefinitionValidator
{
    private static void ValidateWebSocketApis(GatewayDefinition definition, DefinitionErrors errors)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < definition.WebSocketApis.Count; i++)
        {
            var api = definition.WebSocketApis[i];
            var path = JsonPath.Index(WebSocketApisPath, i);
            ValidateName(api.Name, path, names, errors);
            ValidateBasePath(api.BasePath, path, errors);
            ValidateRouteSelectionExpression(api.RouteSelectionExpression, JsonPath.Property(path, "routeSelectionExpression"), errors);

            ValidateStages(api.Stages, path, errors);
            if (api.Authorizer is { } authorizer)
            {
                ValidateAuthorizer(authorizer, JsonPath.Property(path, "authorizer"), errors);
            }

            var routesPath = JsonPath.Property(path, "routes");
            foreach (var (routeKey, route) in api.Routes)
            {
                ValidateRoute(routeKey, route, JsonPath.Property(routesPath, routeKey), definition, errors);
            }
        }
    }

    /// <summary>What the router accepts (<see cref="RouteSelectionExpression"/>), except empty, which would send every message to <c>$default</c>.</summary>
    private static void ValidateRouteSelectionExpression(string expression, string path, DefinitionErrors errors)
    {
        if (expression.Length == 0)
        {
            errors.Add(path, "must not be empty; e.g. $request.body.action");
        }
        else if (!RouteSelectionExpression.TryParse(expression, out _, out var error))
        {
            errors.Add(path, $"invalid expression {error}");
        }
    }

    private static void ValidateRoute(string routeKey, RouteDefinition route, string path, GatewayDefinition definition, DefinitionErrors errors)
    {
        if (routeKey.Length == 0)
        {
            errors.Add(path, "a route key must not be empty");
        }
        else if (routeKey[0] == '$' && !DefinitionValues.PredefinedRouteKeys.Contains(routeKey, StringComparer.Ordinal))
        {
            errors.Add(
                path,
                $"unknown route key '{routeKey}'; keys starting with '$' must be one of {OneOf(DefinitionValues.PredefinedRouteKeys)}");
        }

        if (route.RouteResponseSelectionExpression is { } responseExpression)
        {
            var responsePath = JsonPath.Property(path, "routeResponseSelectionExpression");
            if (responseExpression != DefinitionValues.DefaultRoute)
            {
                errors.Add(responsePath, $"unsupported value '{responseExpression}'; only $default is allowed (two-way route), as in API Gateway");
            }
            else if (routeKey == DefinitionValues.DisconnectRoute)
            {
                errors.Add(responsePath, "a route response is not allowed on $disconnect: the client is gone");
            }
        }

        var integrationPath = JsonPath.Property(path, "integration");
        var isLifecycle = routeKey is DefinitionValues.ConnectRoute or DefinitionValues.DisconnectRoute;
        if (route.Integration is null)
        {
            if (!isLifecycle)
            {
                errors.Add(integrationPath, $"an integration is required; only {DefinitionValues.ConnectRoute} and {DefinitionValues.DisconnectRoute} may go without");
            }

            return;
        }

        ValidateWebSocketIntegration(routeKey, route.Integration, integrationPath, definition, errors);
    }
}
