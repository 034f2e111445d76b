using System.Net;

namespace Switchboard.Connections;

/// <summary>Splits a raw query string into decoded name/value pairs, keeping order and repeats.</summary>
internal static class QueryStrings
{
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string rawQuery)
    {
        if (rawQuery.Length == 0)
        {
            return [];
        }

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var part in rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            var name = equals < 0 ? part : part[..equals];
            var value = equals < 0 ? "" : part[(equals + 1)..];
            pairs.Add(new(Decode(name), Decode(value)));
        }

        return pairs;
    }

    // '+' is a space in form-encoded query strings, as browsers and curl --data-urlencode write them.
    private static string Decode(string text) => WebUtility.UrlDecode(text);
}
