using System.Text.RegularExpressions;

namespace Switchboard.Templates;

/// <summary>The java.lang.String methods templates call. Arguments that are not strings are used as their text.</summary>
internal static class StringMethods
{
    // Java's String.trim strips every char up to and including the space.
    private static readonly char[] JavaWhitespace = [.. Enumerable.Range(0, 33).Select(c => (char)c)];

    private static readonly object Unknown = new();

    public static bool TryInvoke(string s, string name, object?[] args, MethodCallExpr? call, out object? result)
    {
        result = (name, args.Length) switch
        {
            ("length" or "size", 0) => (long)s.Length,
            ("isEmpty", 0) => s.Length == 0,
            ("trim", 0) => s.Trim(JavaWhitespace),
            ("toLowerCase", 0) => s.ToLowerInvariant(),
            ("toUpperCase", 0) => s.ToUpperInvariant(),
            ("contains", 1) => s.Contains(Text(args[0]), StringComparison.Ordinal),
            ("startsWith", 1) => s.StartsWith(Text(args[0]), StringComparison.Ordinal),
            ("endsWith", 1) => s.EndsWith(Text(args[0]), StringComparison.Ordinal),
            ("equalsIgnoreCase", 1) => args[0] is not null && string.Equals(s, Text(args[0]), StringComparison.OrdinalIgnoreCase),
            ("indexOf", 1) => (long)s.IndexOf(Text(args[0]), StringComparison.Ordinal),
            ("lastIndexOf", 1) => (long)s.LastIndexOf(Text(args[0]), StringComparison.Ordinal),
            ("concat", 1) => s + Text(args[0]),
            ("charAt", 1) => CharAt(s, args[0]),
            ("substring", 1) => Substring(s, args[0], s.Length),
            ("substring", 2) => Substring(s, args[0], args[1]),
            ("replace", 2) => Replace(s, Text(args[0]), Text(args[1])),
            ("replaceAll", 2) => Pattern(call, args[0]).Replace(s, Replacement(call, args[1])),
            ("replaceFirst", 2) => JavaRegex.ReplaceFirst(Pattern(call, args[0]), s, Replacement(call, args[1])),
            ("matches", 1) => Pattern(call, args[0]).IsMatch(s),
            ("split", 1) => JavaRegex.Split(Pattern(call, args[0]), s),
            _ => Unknown,
        };

        if (ReferenceEquals(result, Unknown))
        {
            result = null;
            return false;
        }

        return true;
    }

    private static string Text(object? value) => VtlValues.ToText(value);

    private static Regex Pattern(MethodCallExpr? call, object? pattern) =>
        call?.Pattern(Text(pattern)) ?? JavaRegex.Get(Text(pattern), wholeMatch: false);

    private static string Replacement(MethodCallExpr? call, object? replacement) =>
        call?.Replacement(Text(replacement)) ?? JavaRegex.ConvertReplacement(Text(replacement));

    private static string Replace(string s, string oldValue, string newValue) =>
        oldValue.Length == 0 ? InsertBetweenChars(s, newValue) : s.Replace(oldValue, newValue, StringComparison.Ordinal);

    // Java's "abc".replace("", "-") gives "-a-b-c-"; .NET throws on an empty search string.
    private static string InsertBetweenChars(string s, string separator) =>
        separator + string.Join(separator, s.Select(c => c.ToString())) + (s.Length > 0 ? separator : "");

    private static string CharAt(string s, object? index)
    {
        var i = Int(index, "charAt");
        return i >= 0 && i < s.Length
            ? s[i].ToString()
            : throw new TemplateRenderException($"charAt({i}) is out of range for a string of length {s.Length}");
    }

    private static string Substring(string s, object? begin, object? end)
    {
        var from = Int(begin, "substring");
        var to = Int(end, "substring");
        return from >= 0 && to <= s.Length && from <= to
            ? s[from..to]
            : throw new TemplateRenderException($"substring({from}, {to}) is out of range for a string of length {s.Length}");
    }

    private static int Int(object? value, string method) =>
        VtlValues.TryGetInt(value, out var i)
            ? i
            : throw new TemplateRenderException($"{method}() expects an integer argument, got '{VtlValues.ToText(value)}'");
}
