using System.Text.Encodings.Web;
using System.Text.Json;

namespace Switchboard.Templates;

/// <summary>Turns parsed JSON into template values and back into compact JSON text.</summary>
internal static class JsonValues
{
    // Keeps non-ASCII and HTML characters as they are instead of \uXXXX, as a Java JSON writer would.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonDocumentOptions ReaderOptions = new() { MaxDepth = 64 };

    /// <summary>Parses JSON text; null when it is not JSON.</summary>
    public static JsonDocument? TryParse(string text)
    {
        try
        {
            return JsonDocument.Parse(text, ReaderOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// A JSON value as a template value: object → ordered map, array → list, number → long when it is
    /// an integer that fits, else double.
    /// </summary>
    public static object? ToValue(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var map = new VtlMap();
                foreach (var property in element.EnumerateObject())
                {
                    map[property.Name] = ToValue(property.Value);
                }

                return map;
            case JsonValueKind.Array:
                var list = new VtlList();
                foreach (var item in element.EnumerateArray())
                {
                    list.Add(ToValue(item));
                }

                return list;
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number:
                return element.TryGetInt64(out var integer) ? integer : (object)element.GetDouble();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }

    /// <summary>The element as compact JSON text (API Gateway's <c>$input.json</c> drops the body's layout).</summary>
    public static string ToJson(JsonElement element)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            element.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
