using System.Text.Json;

namespace Switchboard.Routing;

/// <summary>Whether a message is JSON and what a path found in it.</summary>
internal enum JsonLookupStatus
{
    NotJson,
    NotFound,
    Found,
}

/// <summary>The value a <see cref="JsonBodyPath"/> found: a string's unescaped text, or any other value's JSON text as received.</summary>
internal readonly struct JsonLookup
{
    private readonly int _start;
    private readonly int _length;
    private readonly byte[]? _unescaped;

    public JsonLookup(JsonLookupStatus status, JsonTokenType kind = JsonTokenType.None, int start = 0, int length = 0, byte[]? unescaped = null)
    {
        Status = status;
        Kind = kind;
        _start = start;
        _length = length;
        _unescaped = unescaped;
    }

    public JsonLookupStatus Status { get; }

    /// <summary><see cref="JsonTokenType.String"/>, <see cref="JsonTokenType.Number"/>, <see cref="JsonTokenType.StartObject"/>, ...</summary>
    public JsonTokenType Kind { get; }

    public bool Found => Status == JsonLookupStatus.Found;

    /// <summary>UTF-8 of the value: unescaped for strings, the JSON text for everything else.</summary>
    public ReadOnlySpan<byte> Value(ReadOnlySpan<byte> message) => _unescaped ?? message.Slice(_start, _length);

    public ReadOnlyMemory<byte> Value(ReadOnlyMemory<byte> message) =>
        _unescaped is not null ? _unescaped : message.Slice(_start, _length);
}

/// <summary>
/// Reads values out of a JSON message with <see cref="Utf8JsonReader"/>: no document, no string for the body. The whole
/// message is read, so a message that is not valid JSON throughout is <see cref="JsonLookupStatus.NotJson"/>, and when a
/// key appears twice the last one wins, as <c>JSON.parse</c> does.
/// </summary>
internal static class JsonBody
{
    /// <summary>Deepest nesting read as JSON; deeper messages are treated as not JSON (and routed to <c>$default</c>).</summary>
    public const int MaxDepth = 512;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow };

    public static JsonLookup Find(ReadOnlySpan<byte> message, JsonBodyPath path)
    {
        var segments = path.Segments;
        var reader = new Utf8JsonReader(message, ReaderOptions);
        var found = new JsonLookup(JsonLookupStatus.NotFound);
        try
        {
            if (!reader.Read())
            {
                return new JsonLookup(JsonLookupStatus.NotJson);
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                // Valid JSON that is not an object (an array or a scalar) has no properties to find.
                reader.Skip();
                return reader.Read() ? new JsonLookup(JsonLookupStatus.NotJson) : found;
            }

            // matched = how many segments lead to the object the reader is inside.
            var matched = 0;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    if (matched > 0 && reader.CurrentDepth == matched)
                    {
                        matched--;
                    }

                    continue;
                }

                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    continue;
                }

                var isNext = reader.CurrentDepth == matched + 1 && NameEquals(ref reader, segments[matched]);
                reader.Read();
                if (isNext && matched == segments.Length - 1)
                {
                    found = Capture(ref reader);
                }
                else if (isNext && reader.TokenType == JsonTokenType.StartObject)
                {
                    matched++;
                }
                else
                {
                    reader.Skip();
                }
            }

            return found;
        }
        catch (JsonException)
        {
            return new JsonLookup(JsonLookupStatus.NotJson);
        }
    }

    /// <summary>
    /// Whether the property name is <paramref name="segment"/>. A name holding a lone surrogate escape
    /// (<c>"\udc00"</c>) is valid JSON that the reader cannot compare (it throws); no path segment can equal it.
    /// </summary>
    private static bool NameEquals(ref Utf8JsonReader reader, byte[] segment)
    {
        try
        {
            return reader.ValueTextEquals(segment);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static JsonLookup Capture(ref Utf8JsonReader reader)
    {
        var kind = reader.TokenType;
        var start = (int)reader.TokenStartIndex;
        switch (kind)
        {
            case JsonTokenType.String when reader.ValueIsEscaped:
                var unescaped = new byte[reader.ValueSpan.Length];
                try
                {
                    var written = reader.CopyString(unescaped);
                    return new JsonLookup(JsonLookupStatus.Found, kind, unescaped: unescaped.AsSpan(0, written).ToArray());
                }
                catch (InvalidOperationException)
                {
                    // A lone surrogate escape: valid JSON, not representable in UTF-8.
                    return new JsonLookup(JsonLookupStatus.Found, kind, unescaped: JsonEscapes.UnescapeLenient(reader.ValueSpan));
                }
            case JsonTokenType.String:
                return new JsonLookup(JsonLookupStatus.Found, kind, start + 1, reader.ValueSpan.Length);
            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                reader.Skip();
                return new JsonLookup(JsonLookupStatus.Found, kind, start, (int)reader.BytesConsumed - start);
            default:
                return new JsonLookup(JsonLookupStatus.Found, kind, start, reader.ValueSpan.Length);
        }
    }
}
