namespace Switchboard.Definition;

public static partial class DefinitionValidator
{
    private const string ResourcePathSyntax =
        "expected '/' alone or '/' followed by segments of letters, digits, '-', '_', '.' and '~' or {name} parameters, "
        + "with no trailing '/' (e.g. /receiver or /items/{id})";

    private static void ValidateRestApis(GatewayDefinition definition, DefinitionErrors errors)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < definition.RestApis.Count; i++)
        {
            var api = definition.RestApis[i];
            var path = JsonPath.Index(RestApisPath, i);
            ValidateName(api.Name, path, names, errors);
            ValidateBasePath(api.BasePath, path, errors);
            ValidateStages(api.Stages, path, errors);

            var resourcesPath = JsonPath.Property(path, "resources");
            if (api.Resources.Count == 0)
            {
                errors.Add(resourcesPath, "at least one resource is required; e.g. { \"/receiver\": { \"methods\": { \"GET\": { ... } } } }");
            }

            // Resources that the router could not tell apart: same segments, parameters in the same places.
            var routeShapes = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (resourcePath, resource) in api.Resources)
            {
                var resourceJsonPath = JsonPath.Property(resourcesPath, resourcePath);
                if (!TryParseResourcePath(resourcePath, out var parameters, out var pathError))
                {
                    errors.Add(resourceJsonPath, pathError);
                }
                else if (!routeShapes.TryAdd(RouteShape(resourcePath), resourcePath))
                {
                    errors.Add(resourceJsonPath, $"resource '{resourcePath}' matches the same URLs as '{routeShapes[RouteShape(resourcePath)]}'");
                }

                ValidateMethods(resource, resourceJsonPath, parameters, definition, errors);
            }
        }
    }

    private static void ValidateMethods(
        RestResourceDefinition resource,
        string resourcePath,
        IReadOnlySet<string> pathParameters,
        GatewayDefinition definition,
        DefinitionErrors errors)
    {
        var methodsPath = JsonPath.Property(resourcePath, "methods");
        if (resource.Methods.Count == 0)
        {
            errors.Add(methodsPath, $"at least one method is required; expected one of {OneOf(DefinitionValues.HttpMethods)}");
            return;
        }

        foreach (var (verb, method) in resource.Methods)
        {
            var methodPath = JsonPath.Property(methodsPath, verb);
            if (!DefinitionValues.HttpMethods.Contains(verb, StringComparer.Ordinal))
            {
                errors.Add(methodPath, $"unknown HTTP method '{verb}'; expected one of {OneOf(DefinitionValues.HttpMethods)}");
            }

            var integrationPath = JsonPath.Property(methodPath, "integration");
            if (method.Integration is null)
            {
                errors.Add(integrationPath, "an integration is required");
            }
            else
            {
                ValidateRestIntegration(method.Integration, integrationPath, pathParameters, definition, errors);
            }
        }
    }

    /// <summary>Parses a resource path such as <c>/items/{id}</c>; <paramref name="parameters"/> gets its parameter names.</summary>
    private static bool TryParseResourcePath(string path, out IReadOnlySet<string> parameters, out string error)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        parameters = names;
        error = "";
        if (path == "/")
        {
            return true;
        }

        if (!path.StartsWith('/'))
        {
            error = $"invalid resource path '{path}'; {ResourcePathSyntax}";
            return false;
        }

        foreach (var segment in path[1..].Split('/'))
        {
            if (segment.Length > 2 && segment[0] == '{' && segment[^1] == '}')
            {
                var name = segment[1..^1];
                if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                {
                    error = $"invalid path parameter '{segment}' in '{path}'; expected {{name}} with letters, digits and '_'";
                    return false;
                }

                if (!names.Add(name))
                {
                    error = $"path parameter '{segment}' appears twice in '{path}'";
                    return false;
                }
            }
            else if (segment.Length == 0 || segment.All(c => c == '.')
                || !segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~'))
            {
                error = $"invalid resource path '{path}'; {ResourcePathSyntax}";
                return false;
            }
        }

        return true;
    }

    /// <summary>The path with every parameter as <c>{}</c>: two resources with the same shape match the same URLs.</summary>
    private static string RouteShape(string resourcePath) =>
        string.Join('/', resourcePath.Split('/').Select(segment => segment.StartsWith('{') ? "{}" : segment));
}
