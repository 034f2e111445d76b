using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Switchboard.Definition;

/// <summary>
/// Walks a parsed definition against the model's JSON metadata and reports every unknown property, duplicate name and
/// wrong JSON type, where the serializer would stop at the first. It writes out what remains valid, so the definition
/// can still be deserialized and validated and the user sees all problems at once.
/// </summary>
/// <remarks>
/// It also writes out every property the file leaves out, with the model's default: source-generated metadata builds
/// records with init-only properties through an object initializer that sets an absent property to null or 0, not to
/// its declared default (dotnet/runtime#84484).
/// </remarks>
internal sealed class DefinitionShapeChecker
{
    private const int MaxShownValueLength = 60;

    private readonly DefinitionErrors _errors;
    private readonly Utf8JsonWriter _writer;
    private readonly List<string> _droppedPaths = [];

    private DefinitionShapeChecker(DefinitionErrors errors, Utf8JsonWriter writer)
    {
        _errors = errors;
        _writer = writer;
    }

    /// <summary>
    /// Checks <paramref name="root"/>; returns the JSON of what is valid and the paths of the values left out
    /// (a wrong type), whose further errors would only repeat the one reported.
    /// </summary>
    public static (byte[] Json, IReadOnlyList<string> DroppedPaths) Check(JsonElement root, DefinitionErrors errors)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            var checker = new DefinitionShapeChecker(errors, writer);
            var type = DefinitionJson.Options.GetTypeInfo(typeof(GatewayDefinition));
            checker.WriteObject(checker.Accepts(root, type, nullable: false, JsonPath.Root) ? root : null, type, JsonPath.Root);

            writer.Flush();
            return (buffer.ToArray(), checker._droppedPaths);
        }
    }

    private void Write(JsonElement value, JsonTypeInfo type, string path)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            _writer.WriteNullValue();
            return;
        }

        switch (type.Kind)
        {
            case JsonTypeInfoKind.Object:
                WriteObject(value, type, path);
                break;
            case JsonTypeInfoKind.Dictionary:
                WriteDictionary(value, Metadata(type.ElementType!), path);
                break;
            case JsonTypeInfoKind.Enumerable:
                WriteArray(value, Metadata(type.ElementType!), path);
                break;
            default:
                value.WriteTo(_writer);
                break;
        }
    }

    /// <summary>Writes the valid properties of <paramref name="value"/> and the defaults of the rest (all of them when null).</summary>
    private void WriteObject(JsonElement? value, JsonTypeInfo type, string path)
    {
        _writer.WriteStartObject();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var written = new HashSet<string>(StringComparer.Ordinal);
        IEnumerable<JsonProperty> properties = value is { } present ? present.EnumerateObject() : [];
        foreach (var property in properties)
        {
            var propertyPath = JsonPath.Property(path, property.Name);
            if (!seen.Add(property.Name))
            {
                _errors.Add(propertyPath, $"duplicate property '{property.Name}'");
                continue;
            }

            var info = type.Properties.FirstOrDefault(p => p.Name == property.Name);
            if (info is null)
            {
                var expected = string.Join(", ", type.Properties.Select(p => p.Name));
                _errors.Add(propertyPath, $"unknown property '{property.Name}'; expected one of: {expected}");
                continue;
            }

            var propertyType = Metadata(info.PropertyType);
            if (Accepts(property.Value, propertyType, info.IsSetNullable, propertyPath))
            {
                _writer.WritePropertyName(property.Name);
                Write(property.Value, propertyType, propertyPath);
                written.Add(property.Name);
            }
        }

        WriteDefaults(type, written);
        _writer.WriteEndObject();
    }

    private void WriteDefaults(JsonTypeInfo type, HashSet<string> written)
    {
        var defaults = Activator.CreateInstance(type.Type)
            ?? throw new InvalidOperationException($"{type.Type} has no parameterless constructor.");
        foreach (var property in type.Properties)
        {
            if (!written.Contains(property.Name) && property.Get?.Invoke(defaults) is { } value)
            {
                _writer.WritePropertyName(property.Name);
                JsonSerializer.Serialize(_writer, value, Metadata(property.PropertyType));
            }
        }
    }

    private void WriteDictionary(JsonElement value, JsonTypeInfo elementType, string path)
    {
        _writer.WriteStartObject();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in value.EnumerateObject())
        {
            var entryPath = JsonPath.Property(path, entry.Name);
            if (!seen.Add(entry.Name))
            {
                _errors.Add(entryPath, $"duplicate key '{entry.Name}'");
            }
            else if (Accepts(entry.Value, elementType, nullable: false, entryPath))
            {
                _writer.WritePropertyName(entry.Name);
                Write(entry.Value, elementType, entryPath);
            }
        }

        _writer.WriteEndObject();
    }

    private void WriteArray(JsonElement value, JsonTypeInfo elementType, string path)
    {
        _writer.WriteStartArray();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var itemPath = JsonPath.Index(path, index++);
            if (Accepts(item, elementType, nullable: false, itemPath))
            {
                Write(item, elementType, itemPath);
            }
            else if (elementType.Kind == JsonTypeInfoKind.Object)
            {
                // Keep the place, so the paths of the items after it still match the file.
                WriteObject(null, elementType, itemPath);
            }
        }

        _writer.WriteEndArray();
    }

    /// <summary>Whether <paramref name="value"/> has the JSON type <paramref name="type"/> needs; reports it when not.</summary>
    private bool Accepts(JsonElement value, JsonTypeInfo type, bool nullable, string path)
    {
        var (matches, expected) = value.ValueKind == JsonValueKind.Null
            ? (nullable, Describe(type))
            : Match(value, type);
        if (matches)
        {
            return true;
        }

        _errors.Add(path, $"expected {expected}, got {Describe(value)}");
        _droppedPaths.Add(path);
        return false;
    }

    private static (bool Matches, string Expected) Match(JsonElement value, JsonTypeInfo type)
    {
        var expected = Describe(type);
        var kind = value.ValueKind;
        if (type.Type == typeof(int) && kind == JsonValueKind.Number && !value.TryGetInt32(out _))
        {
            var isWhole = !value.GetRawText().Any(c => c is '.' or 'e' or 'E');
            return (false, isWhole ? $"an integer from {int.MinValue} to {int.MaxValue}" : expected);
        }

        var matches = type.Kind switch
        {
            JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => kind == JsonValueKind.Object,
            JsonTypeInfoKind.Enumerable => kind == JsonValueKind.Array,
            _ when type.Type == typeof(string) => kind == JsonValueKind.String,
            _ when type.Type == typeof(int) => kind == JsonValueKind.Number,
            _ when type.Type == typeof(double) => kind == JsonValueKind.Number && value.TryGetDouble(out var d) && double.IsFinite(d),
            _ when type.Type == typeof(bool) => kind is JsonValueKind.True or JsonValueKind.False,

            // A type this checker does not know: leave it to the serializer.
            _ => true,
        };
        return (matches, expected);
    }

    private static string Describe(JsonTypeInfo type) => type.Kind switch
    {
        JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "an object",
        JsonTypeInfoKind.Enumerable => "an array",
        _ when type.Type == typeof(string) => "a string",
        _ when type.Type == typeof(int) => "an integer",
        _ when type.Type == typeof(double) => "a number",
        _ when type.Type == typeof(bool) => "true or false",
        _ => type.Type.Name,
    };

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => Shorten(value.GetRawText()),
    };

    private static string Shorten(string text) =>
        text.Length <= MaxShownValueLength ? text : string.Concat(text.AsSpan(0, MaxShownValueLength - 3), "...");

    private static JsonTypeInfo Metadata(Type type) => DefinitionJson.Options.GetTypeInfo(type);
}
