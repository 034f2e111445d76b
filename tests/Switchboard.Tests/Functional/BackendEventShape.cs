using System.Globalization;
using System.Text.Json;

namespace Switchboard.Tests.Functional;

/// <summary>
/// The shape of an API Gateway event: every field path with its JSON kind (<c>string</c>, <c>number</c>, <c>boolean</c>, ...). The names inside the header and query maps
/// depend on the client, so their members collapse to <c>*</c>; array items collapse to <c>[]</c>.
/// </summary>
internal static class BackendEventShape
{
    private static readonly HashSet<string> Maps = new(StringComparer.Ordinal)
    {
        "headers", "multiValueHeaders", "queryStringParameters", "multiValueQueryStringParameters",
    };

    public static SortedDictionary<string, string> Of(JsonElement root)
    {
        var shape = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Walk(root, "$", shape, collapse: false);
        return shape;
    }

    /// <summary>A captured API Gateway event from <c>Functional/Fixtures</c>.</summary>
    public static JsonElement Fixture(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureDirectory(), name)));
        return document.RootElement.Clone();
    }

    /// <summary>Asserts <paramref name="actual"/> has exactly <paramref name="expected"/>'s paths and kinds, naming every difference.</summary>
    public static void AssertSame(IReadOnlyDictionary<string, string> expected, IReadOnlyDictionary<string, string> actual, string what)
    {
        var missing = expected.Where(e => !actual.ContainsKey(e.Key)).Select(e => $"missing {e.Key} ({e.Value})");
        var extra = actual.Where(a => !expected.ContainsKey(a.Key)).Select(a => $"extra {a.Key} ({a.Value})");
        var kinds = expected.Where(e => actual.TryGetValue(e.Key, out var kind) && kind != e.Value)
            .Select(e => $"{e.Key} is {actual[e.Key]}, API Gateway sends {e.Value}");
        var differences = missing.Concat(extra).Concat(kinds).ToList();
        Assert.True(differences.Count == 0, $"{what} differs from API Gateway's: {string.Join("; ", differences)}");
    }

    /// <summary>API Gateway's request time: <c>dd/MMM/yyyy:HH:mm:ss +0000</c>, at the second of <c>requestTimeEpoch</c>.</summary>
    public static void AssertRequestTime(JsonElement context)
    {
        var text = context.GetProperty("requestTime").GetString()!;
        Assert.Matches("^\\d{2}/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000$", text);
        var parsed = DateTimeOffset.ParseExact(text, "dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var epoch = DateTimeOffset.FromUnixTimeMilliseconds(context.GetProperty("requestTimeEpoch").GetInt64());
        Assert.Equal(epoch.ToUnixTimeSeconds(), parsed.ToUnixTimeSeconds());
    }

    private static void Walk(JsonElement element, string path, SortedDictionary<string, string> shape, bool collapse)
    {
        shape[path] = element.ValueKind is JsonValueKind.True or JsonValueKind.False ? "boolean" : element.ValueKind.ToString().ToLowerInvariant();
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var child = collapse ? path + ".*" : path + "." + property.Name;
                    Walk(property.Value, child, shape, collapse: path == "$" && Maps.Contains(property.Name));
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, path + "[]", shape, collapse: false);
                }

                break;
        }
    }

    private static string FixtureDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "Functional", "Fixtures");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"Functional/Fixtures not found above {AppContext.BaseDirectory}");
    }
}
