using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace Switchboard.Templates;

/// <summary>
/// Java regex methods on .NET's engine. The pattern syntax of the two is close enough for what
/// templates write (character classes, escapes, groups); replacement strings differ and are converted.
/// </summary>
internal static class JavaRegex
{
    /// <summary>The string methods whose first argument is a regex.</summary>
    public static readonly IReadOnlySet<string> PatternMethods = new HashSet<string>(StringComparer.Ordinal)
    {
        "replaceAll", "replaceFirst", "matches", "split",
    };

    // Templates are written by operators but patterns run over client data; a timeout bounds backtracking.
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    // Patterns built at render time (from variables) are few in practice; the cap keeps a template
    // that builds a pattern from request data from growing the cache without bound.
    private const int MaxCachedPatterns = 256;
    private static readonly ConcurrentDictionary<(string, bool), Regex> Cache = new();

    /// <summary>Compiles a pattern; <paramref name="wholeMatch"/> anchors it as Java's <c>String.matches</c> does.</summary>
    /// <exception cref="ArgumentException">The pattern is not valid.</exception>
    public static Regex Create(string pattern, bool wholeMatch) =>
        new(wholeMatch ? $"\\A(?:{pattern})\\z" : pattern, RegexOptions.CultureInvariant, MatchTimeout);

    public static Regex Get(string pattern, bool wholeMatch)
    {
        if (Cache.TryGetValue((pattern, wholeMatch), out var cached))
        {
            return cached;
        }

        Regex regex;
        try
        {
            regex = Create(pattern, wholeMatch);
        }
        catch (ArgumentException ex)
        {
            throw new TemplateRenderException($"invalid regular expression '{pattern}': {ex.Message}", ex);
        }

        if (Cache.Count < MaxCachedPatterns)
        {
            Cache.TryAdd((pattern, wholeMatch), regex);
        }

        return regex;
    }

    /// <summary>
    /// Java's replacement syntax to .NET's: Java escapes with a backslash (<c>\$</c>) where .NET doubles
    /// the dollar; group references <c>$1</c> and <c>${name}</c> mean the same in both.
    /// </summary>
    public static string ConvertReplacement(string java)
    {
        if (!java.Contains('\\', StringComparison.Ordinal) && !java.Contains('$', StringComparison.Ordinal))
        {
            return java;
        }

        var result = new StringBuilder(java.Length + 4);
        for (var i = 0; i < java.Length; i++)
        {
            var c = java[i];
            if (c == '\\' && i + 1 < java.Length)
            {
                i++;
                result.Append(java[i] == '$' ? "$$" : java[i].ToString());
            }
            else if (c == '$' && i + 1 < java.Length && char.IsAsciiDigit(java[i + 1]))
            {
                // Java reads one digit (more only while such a group exists); one digit covers real templates.
                i++;
                result.Append("${").Append(java[i]).Append('}');
            }
            else if (c == '$' && i + 1 < java.Length && java[i + 1] == '{')
            {
                result.Append('$');
            }
            else
            {
                result.Append(c == '$' ? "$$" : c.ToString());
            }
        }

        return result.ToString();
    }

    public static string ReplaceFirst(Regex regex, string input, string replacement) => regex.Replace(input, replacement, 1);

    /// <summary>Java's <c>String.split</c>: trailing empty strings are dropped.</summary>
    public static VtlList Split(Regex regex, string input)
    {
        var list = new VtlList();
        if (input.Length == 0)
        {
            list.Add("");
            return list;
        }

        var start = 0;
        foreach (Match match in regex.Matches(input))
        {
            // A zero-width match at the very start does not produce a leading empty string (Java 8+).
            if (match.Length == 0 && match.Index == 0)
            {
                continue;
            }

            if (match.Length == 0 && match.Index >= input.Length)
            {
                break;
            }

            list.Add(input[start..match.Index]);
            start = match.Index + match.Length;
        }

        list.Add(input[start..]);
        while (list.Count > 0 && list[^1] is "")
        {
            list.RemoveAt(list.Count - 1);
        }

        return list;
    }
}
