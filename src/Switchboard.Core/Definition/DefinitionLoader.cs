using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Switchboard.Definition;

/// <summary>
/// Reads a gateway definition file: checks its JSON against the model (unknown properties, wrong JSON types), then
/// validates the result, and reports every problem found, each with the file and the JSON path of the bad value.
/// </summary>
public static partial class DefinitionLoader
{
    /// <summary>Reads and validates the definition in <paramref name="filePath"/>; errors name the file as given.</summary>
    public static DefinitionLoadResult Load(string filePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        string json;
        try
        {
            json = File.ReadAllText(filePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return DefinitionLoadResult.Failure([new DefinitionError(filePath, JsonPath.Root, $"cannot read the file: {e.Message}")]);
        }

        return LoadFromJson(json, filePath);
    }

    /// <summary>Reads and validates the definition in <paramref name="json"/>; errors name <paramref name="fileName"/>.</summary>
    public static DefinitionLoadResult LoadFromJson(string json, string fileName)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(fileName);
        var errors = new DefinitionErrors(fileName);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DefinitionJson.DocumentOptions);
        }
        catch (JsonException e)
        {
            AddSyntaxError(json, e, errors);
            return DefinitionLoadResult.Failure(errors.Items);
        }

        byte[] checkedJson;
        IReadOnlyList<string> droppedPaths;
        using (document)
        {
            (checkedJson, droppedPaths) = DefinitionShapeChecker.Check(document.RootElement, errors);
        }

        GatewayDefinition? definition;
        try
        {
            definition = JsonSerializer.Deserialize(checkedJson, DefinitionJson.TypeInfo);
        }
        catch (JsonException e)
        {
            // The shape check should have caught everything the serializer refuses; report it rather than throw.
            errors.Add(e.Path ?? JsonPath.Root, e.Message);
            return DefinitionLoadResult.Failure(errors.Items);
        }

        if (definition is null)
        {
            errors.Add(JsonPath.Root, "expected an object, got null");
            return DefinitionLoadResult.Failure(errors.Items);
        }

        // A value the shape check dropped would also be reported as missing; its type error says it better.
        foreach (var error in DefinitionValidator.Validate(definition, fileName))
        {
            if (!droppedPaths.Any(dropped => JsonPath.IsWithin(error.JsonPath, dropped)))
            {
                errors.Add(error.JsonPath, error.Message);
            }
        }

        return errors.Count == 0 ? DefinitionLoadResult.Success(definition) : DefinitionLoadResult.Failure(errors.Items);
    }

    private static void AddSyntaxError(string json, JsonException e, DefinitionErrors errors)
    {
        var message = LocationSuffix().Replace(e.Message, "");
        var where = e.LineNumber is { } line
            ? $" at line {line + 1}, column {e.BytePositionInLine.GetValueOrDefault() + 1}"
            : "";
        errors.Add(PathAtSyntaxError(json), $"invalid JSON{where}: {message}");
    }

    /// <summary>
    /// The path of the value being read when the reader failed: JsonDocument does not track it, so read again and keep
    /// a stack of the open objects and arrays.
    /// </summary>
    private static string PathAtSyntaxError(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions
        {
            CommentHandling = DefinitionJson.DocumentOptions.CommentHandling,
            AllowTrailingCommas = DefinitionJson.DocumentOptions.AllowTrailingCommas,
        });

        // For an object, the last property name read; for an array, the index of the last value read.
        var stack = new List<(bool IsArray, string? Property, int Index)>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        stack[^1] = (false, reader.GetString(), -1);
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        CountArrayItem(stack);
                        stack.Add((reader.TokenType == JsonTokenType.StartArray, null, -1));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        stack.RemoveAt(stack.Count - 1);
                        break;
                    default:
                        CountArrayItem(stack);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Expected: this pass exists to stop where the first one failed.
        }

        var path = JsonPath.Root;
        foreach (var (isArray, property, index) in stack)
        {
            if (isArray && index >= 0)
            {
                path = JsonPath.Index(path, index);
            }
            else if (!isArray && property is not null)
            {
                path = JsonPath.Property(path, property);
            }
        }

        return path;
    }

    private static void CountArrayItem(List<(bool IsArray, string? Property, int Index)> stack)
    {
        if (stack.Count > 0 && stack[^1].IsArray)
        {
            stack[^1] = (true, null, stack[^1].Index + 1);
        }
    }

    [GeneratedRegex(@"\s*(Path: \S*)?\s*\|?\s*LineNumber: \d+ \| BytePositionInLine: \d+\.?\s*$")]
    private static partial Regex LocationSuffix();
}
