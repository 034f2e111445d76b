namespace Switchboard.Definition;

/// <summary>
/// Checks a <see cref="GatewayDefinition"/> against every rule its XML docs state and returns all the problems, each
/// naming the file, the JSON path of the bad value, the value and what is expected. An empty list means valid.
/// </summary>
public static partial class DefinitionValidator
{
    private const string WebSocketApisPath = "$.webSocketApis";
    private const string RestApisPath = "$.restApis";

    /// <summary>Every problem in <paramref name="definition"/>, in the order of the file; errors name <paramref name="fileName"/>.</summary>
    public static IReadOnlyList<DefinitionError> Validate(GatewayDefinition definition, string fileName)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(fileName);
        var errors = new DefinitionErrors(fileName);
        ValidateWebSocketApis(definition, errors);
        ValidateRestApis(definition, errors);
        ValidateStageThrottles(definition, errors);
        ValidateUrls(definition, errors);
        ValidateUsagePlans(definition, errors);
        ValidateLimits(definition.Limits, errors);
        return errors.Items;
    }

    /// <summary>A required name, unique among its kind; <paramref name="seen"/> maps names to the path that had them first.</summary>
    private static void ValidateName(string name, string ownerPath, Dictionary<string, string> seen, DefinitionErrors errors)
    {
        var path = JsonPath.Property(ownerPath, "name");
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add(path, "a name is required");
        }
        else if (!seen.TryAdd(name, ownerPath))
        {
            errors.Add(path, $"name '{name}' is already used by {seen[name]}");
        }
    }

    private static void ValidateStages(IReadOnlyDictionary<string, StageDefinition> stages, string apiPath, DefinitionErrors errors)
    {
        var path = JsonPath.Property(apiPath, "stages");
        if (stages.Count == 0)
        {
            errors.Add(path, "at least one stage is required; e.g. { \"dev\": {} }");
            return;
        }

        foreach (var (name, stage) in stages)
        {
            var stagePath = JsonPath.Property(path, name);
            if (!IsStageName(name))
            {
                errors.Add(stagePath, $"invalid stage name '{name}'; expected letters, digits, '-' and '_'");
            }

            foreach (var variable in stage.Variables.Keys)
            {
                if (variable.Length == 0 || !variable.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                {
                    errors.Add(
                        JsonPath.Property(JsonPath.Property(stagePath, "variables"), variable),
                        $"invalid stage variable name '{variable}'; expected letters, digits and '_'");
                }
            }
        }
    }

    private static bool IsStageName(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Empty, or path segments of letters, digits, '-', '_' and '.' (not only dots) joined by single '/'.</summary>
    private static bool IsBasePath(string basePath) =>
        basePath.Length == 0
        || basePath.Split('/').All(segment =>
            segment.Length > 0
            && segment.Any(c => c != '.')
            && segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'));

    private static void ValidateBasePath(string basePath, string apiPath, DefinitionErrors errors)
    {
        if (!IsBasePath(basePath))
        {
            errors.Add(
                JsonPath.Property(apiPath, "basePath"),
                $"invalid basePath '{basePath}'; expected letters, digits, '-', '_' and '.', with '/' only between segments (e.g. 'chat' or 'apps/chat'), or empty");
        }
    }

    /// <summary>A missing or unknown choice: "a X is required; expected one of ..." or "unknown X 'v'; expected one of ...".</summary>
    private static void ValidateChoice(string? value, bool required, string what, IReadOnlyList<string> allowed, string path, DefinitionErrors errors)
    {
        if (string.IsNullOrEmpty(value) && required)
        {
            errors.Add(path, $"{Article(what)} {what} is required; expected one of {OneOf(allowed)}");
        }
        else if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add(path, $"unknown {what} '{value}'; expected one of {OneOf(allowed)}");
        }
    }

    private static string OneOf(IEnumerable<string> values) => string.Join(", ", values);

    private static string Article(string noun) => noun.Length > 0 && "aeiou".Contains(char.ToLowerInvariant(noun[0]), StringComparison.Ordinal) ? "an" : "a";
}
