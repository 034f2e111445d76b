using Switchboard.Definition;
using Switchboard.Routing;

namespace Switchboard.Integrations.Catalog;

/// <summary>What a factory's <see cref="IIntegrationFactory.Validate"/> sees, and where it reports problems.</summary>
internal sealed class IntegrationValidationContext(
    IntegrationDefinition integration,
    string path,
    IntegrationPlacement placement,
    string routeKey,
    GatewayDefinition definition,
    IReadOnlySet<string> pathParameters,
    DefinitionErrors errors)
{
    public IntegrationDefinition Integration { get; } = integration;

    /// <summary>JSON path of the integration object.</summary>
    public string Path { get; } = path;

    public IntegrationPlacement Placement { get; } = placement;

    /// <summary>The route key (<c>$connect</c>, <c>onMessage</c>), or the HTTP verb of a REST method.</summary>
    public string RouteKey { get; } = routeKey;

    public GatewayDefinition Definition { get; } = definition;

    /// <summary>The <c>{name}</c> parameters of the REST resource's path; empty on WebSocket routes.</summary>
    public IReadOnlySet<string> PathParameters { get; } = pathParameters;

    /// <summary>The JSON path of one of the integration's settings.</summary>
    public string PathOf(string setting) => JsonPath.Property(Path, setting);

    public void Add(string jsonPath, string message) => errors.Add(jsonPath, message);

    /// <summary>A missing or unknown choice, worded like every other choice in the definition.</summary>
    public void Choice(string? value, bool required, string setting, IReadOnlyList<string> allowed)
    {
        var at = PathOf(setting);
        if (string.IsNullOrEmpty(value) && required)
        {
            Add(at, $"{Article(setting)} {setting} is required; expected one of {OneOf(allowed)}");
        }
        else if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            Add(at, $"unknown {setting} '{value}'; expected one of {OneOf(allowed)}");
        }
    }

    /// <summary>A JSON path into the message (<c>$request.body.NAME</c>).</summary>
    public void BodyPath(string? value, string jsonPath, string what, string example)
    {
        if (string.IsNullOrEmpty(value))
        {
            Add(jsonPath, $"{what} is required; e.g. {example}");
        }
        else if (!JsonBodyPath.TryParse(value, out _, out var error))
        {
            Add(jsonPath, error);
        }
    }

    public static string OneOf(IEnumerable<string> values) => string.Join(", ", values);

    private static string Article(string noun) =>
        noun.Length > 0 && "aeiou".Contains(char.ToLowerInvariant(noun[0]), StringComparison.Ordinal) ? "an" : "a";
}
