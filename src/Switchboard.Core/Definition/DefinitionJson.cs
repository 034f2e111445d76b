using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Switchboard.Definition;

/// <summary>
/// How the gateway definition is read and written as JSON: camelCase names of the C# properties (matched
/// case-sensitively), comments and trailing commas allowed, indented output without null values.
/// </summary>
public static class DefinitionJson
{
    /// <summary>Serializer options for <see cref="GatewayDefinition"/>, backed by source-generated metadata. Read-only.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>
    /// Metadata for writing a whole definition with <see cref="JsonSerializer"/>. Read files with
    /// <see cref="DefinitionLoader"/> instead: deserialized alone, a property the JSON leaves out comes back null or 0,
    /// not its default (source generation sets every init-only property; dotnet/runtime#84484), and nothing is validated.
    /// </summary>
    public static JsonTypeInfo<GatewayDefinition> TypeInfo { get; } =
        (JsonTypeInfo<GatewayDefinition>)Options.GetTypeInfo(typeof(GatewayDefinition));

    /// <summary>Options for parsing a definition file into a <see cref="JsonDocument"/>, matching <see cref="Options"/>.</summary>
    public static JsonDocumentOptions DocumentOptions { get; } = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(DefinitionJsonContext.Default.Options)
        {
            TypeInfoResolver = DefinitionJsonContext.Default.WithAddedModifier(OmitEmptyRequestParameters),

            // The file is edited by people, not embedded in HTML: write $input.params('progId') as is, not as \u0027.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            NewLine = "\n",
        };
        options.MakeReadOnly();
        return options;
    }

    // requestParameters belongs to REST methods; an empty one written on every WebSocket route would read as an error.
    private static void OmitEmptyRequestParameters(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Type != typeof(IntegrationDefinition))
        {
            return;
        }

        foreach (var property in typeInfo.Properties)
        {
            if (property.Name == "requestParameters")
            {
                property.ShouldSerialize = static (_, value) => value is IReadOnlyDictionary<string, string> { Count: > 0 };
            }
        }
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = false,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(GatewayDefinition))]
internal sealed partial class DefinitionJsonContext : JsonSerializerContext
{
}
