namespace Switchboard.Definition;

public static partial class DefinitionValidator
{
    /// <summary>
    /// URLs that two APIs would both claim. A WebSocket stage is served at <c>/{basePath}/{stage}</c>; a REST stage
    /// owns that prefix and serves its resources below it. A WebSocket API and a REST API may share a prefix (the seed
    /// does: <c>/dev</c> and <c>/dev/receiver</c>); two APIs of one kind may not, and no two URLs may be the same.
    /// URLs are compared case-sensitively, as the router matches them (and as API Gateway does).
    /// </summary>
    private static void ValidateUrls(GatewayDefinition definition, DefinitionErrors errors)
    {
        // URL (parameters written {}) to what serves it, for messages.
        var webSocketUrls = new Dictionary<string, string>(StringComparer.Ordinal);
        var restPrefixes = new Dictionary<string, string>(StringComparer.Ordinal);
        var restUrls = new Dictionary<string, (int Api, string Owner)>(StringComparer.Ordinal);

        for (var i = 0; i < definition.WebSocketApis.Count; i++)
        {
            var api = definition.WebSocketApis[i];
            var stagesPath = JsonPath.Property(JsonPath.Index(WebSocketApisPath, i), "stages");
            foreach (var stage in ValidStages(api.BasePath, api.Stages.Keys))
            {
                var url = StageUrl(api.BasePath, stage);
                var stagePath = JsonPath.Property(stagesPath, stage);
                var owner = $"WebSocket API '{api.Name}' stage '{stage}'";
                if (!IsReserved(url, stagePath, errors) && !webSocketUrls.TryAdd(url, owner))
                {
                    errors.Add(stagePath, $"URL '{url}' collides with {webSocketUrls[url]}");
                }
            }
        }

        for (var i = 0; i < definition.RestApis.Count; i++)
        {
            var api = definition.RestApis[i];
            var apiPath = JsonPath.Index(RestApisPath, i);
            foreach (var stage in ValidStages(api.BasePath, api.Stages.Keys))
            {
                var prefix = StageUrl(api.BasePath, stage);
                if (!restPrefixes.TryAdd(prefix, $"REST API '{api.Name}' stage '{stage}'"))
                {
                    errors.Add(JsonPath.Property(JsonPath.Property(apiPath, "stages"), stage), $"URL '{prefix}' collides with {restPrefixes[prefix]}");
                    continue;
                }

                foreach (var resource in api.Resources.Keys.Where(r => TryParseResourcePath(r, out _, out _)))
                {
                    var url = prefix + (resource == "/" ? "" : RouteShape(resource));
                    var resourcePath = JsonPath.Property(JsonPath.Property(apiPath, "resources"), resource);
                    var owner = $"REST API '{api.Name}' stage '{stage}' resource '{resource}'";
                    if (IsReserved(url, resourcePath, errors))
                    {
                        continue;
                    }

                    if (webSocketUrls.TryGetValue(url, out var webSocketOwner))
                    {
                        errors.Add(resourcePath, $"URL '{url}' of stage '{stage}' collides with {webSocketOwner}");
                    }
                    else if (restUrls.TryGetValue(url, out var other) && other.Api != i)
                    {
                        errors.Add(resourcePath, $"URL '{url}' of stage '{stage}' collides with {other.Owner}");
                    }
                    else
                    {
                        restUrls.TryAdd(url, (i, owner));
                    }
                }
            }
        }
    }

    private static IEnumerable<string> ValidStages(string basePath, IEnumerable<string> stages) =>
        IsBasePath(basePath) ? stages.Where(IsStageName) : [];

    private static string StageUrl(string basePath, string stage) => basePath.Length == 0 ? $"/{stage}" : $"/{basePath}/{stage}";

    private static bool IsReserved(string url, string path, DefinitionErrors errors)
    {
        var reserved = DefinitionValues.ReservedUrls.FirstOrDefault(r => string.Equals(r, url, StringComparison.Ordinal));
        if (reserved is null)
        {
            return false;
        }

        errors.Add(path, $"URL '{url}' is reserved for the gateway's own {reserved} endpoint");
        return true;
    }
}
