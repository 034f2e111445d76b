namespace Switchboard.Access;

/// <summary>IAM's wildcards: <c>*</c> matches any run of characters (slashes and colons too), <c>?</c> exactly one.</summary>
internal static class Wildcard
{
    /// <summary>Greedy match with one backtrack point per star: linear in practice, never exponential.</summary>
    public static bool Matches(string pattern, string value, bool ignoreCase)
    {
        int p = 0, v = 0, star = -1, resume = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = v;
            }
            else if (p < pattern.Length && (pattern[p] == '?' || Same(pattern[p], value[v], ignoreCase)))
            {
                p++;
                v++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static bool Same(char a, char b, bool ignoreCase) => a == b || (ignoreCase && char.ToUpperInvariant(a) == char.ToUpperInvariant(b));
}
