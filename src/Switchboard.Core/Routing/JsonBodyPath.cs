using System.Text;

namespace Switchboard.Routing;

/// <summary>
/// A path into a JSON message: <c>$request.body.service.do</c> is the segments <c>service</c>, <c>do</c>. Segments are
/// property names; arrays are not indexed (API Gateway's examples never do).
/// </summary>
public sealed class JsonBodyPath
{
    public const string Prefix = "$request.body.";

    private JsonBodyPath(string text, byte[][] segments)
    {
        Text = text;
        Segments = segments;
    }

    /// <summary>The path as written, e.g. <c>$request.body.message</c>.</summary>
    public string Text { get; }

    internal byte[][] Segments { get; }

    /// <summary>Parses <c>$request.body.A.B</c>; segments are non-empty and separated by single dots.</summary>
    public static bool TryParse(string text, out JsonBodyPath path, out string error)
    {
        path = null!;
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            error = $"'{text}' is not a message path; expected $request.body.NAME (nested: $request.body.A.B)";
            return false;
        }

        return TryParseSegments(text, text[Prefix.Length..], out path, out error);
    }

    /// <summary>Parses the part after <c>request.body.</c> (used inside <c>${...}</c>).</summary>
    internal static bool TryParseSegments(string text, string dotted, out JsonBodyPath path, out string error)
    {
        path = null!;
        var names = dotted.Split('.');
        if (names.Any(string.IsNullOrEmpty))
        {
            error = $"'{text}' has an empty path segment; expected $request.body.NAME (nested: $request.body.A.B)";
            return false;
        }

        path = new JsonBodyPath(text, names.Select(Encoding.UTF8.GetBytes).ToArray());
        error = "";
        return true;
    }

    public override string ToString() => Text;
}
