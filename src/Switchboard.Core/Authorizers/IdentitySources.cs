using Switchboard.Connections;

namespace Switchboard.Authorizers;

/// <summary>
/// A REQUEST authorizer's identity sources (<c>route.request.header.NAME</c>, <c>route.request.querystring.NAME</c>):
/// every one must be present and non-empty or the handshake gets 401 without a call, as in API Gateway; their values
/// also key the result cache.
/// </summary>
internal static class IdentitySources
{
    private const string HeaderPrefix = "route.request.header.";
    private const string QueryPrefix = "route.request.querystring.";

    /// <summary>API Gateway's default (CDK's too): the <c>Authorization</c> header.</summary>
    public static readonly IReadOnlyList<string> Default = ["route.request.header.Authorization"];

    public static bool TryParse(string source, out (bool IsHeader, string Name) parsed)
    {
        foreach (var (prefix, isHeader) in new[] { (HeaderPrefix, true), (QueryPrefix, false) })
        {
            if (source.StartsWith(prefix, StringComparison.Ordinal) && source.Length > prefix.Length
                && source[prefix.Length..].All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                parsed = (isHeader, source[prefix.Length..]);
                return true;
            }
        }

        parsed = default;
        return false;
    }

    /// <summary>The values of every source in order, or null when one is missing or empty.</summary>
    public static IReadOnlyList<string>? Values(IReadOnlyList<(bool IsHeader, string Name)> sources, ConnectContext handshake)
    {
        var values = new string[sources.Count];
        for (var i = 0; i < sources.Count; i++)
        {
            var (isHeader, name) = sources[i];
            var value = isHeader
                ? handshake.Header(name)
                : handshake.Query.LastOrDefault(q => string.Equals(q.Key, name, StringComparison.Ordinal)).Value;
            if (string.IsNullOrEmpty(value))
            {
                return null;
            }

            values[i] = value;
        }

        return values;
    }
}
