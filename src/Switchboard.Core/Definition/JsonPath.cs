namespace Switchboard.Definition;

/// <summary>
/// Builds the JSON paths that <see cref="DefinitionError"/> reports: <c>$.webSocketApis[0].routes.onMessage</c> for
/// names that are identifiers, <c>$.webSocketApis[0].routes['$connect']</c> (with <c>'</c> and <c>\</c> escaped by
/// <c>\</c>) for any other dictionary key.
/// </summary>
internal static class JsonPath
{
    public const string Root = "$";

    public static string Property(string parent, string name) =>
        IsIdentifier(name) ? $"{parent}.{name}" : $"{parent}['{name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}']";

    public static string Index(string parent, int index) => $"{parent}[{index}]";

    /// <summary>Whether <paramref name="path"/> is <paramref name="ancestor"/> or a path inside it.</summary>
    public static bool IsWithin(string path, string ancestor) =>
        path.StartsWith(ancestor, StringComparison.Ordinal)
        && (path.Length == ancestor.Length || path[ancestor.Length] is '.' or '[');

    private static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
