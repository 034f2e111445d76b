using System.Text;
using System.Text.Json;
using Switchboard.Integrations;
using Switchboard.Routing;

namespace Switchboard.Tests.Fuzz;

/// <summary>
/// Random JSON (nested past the depth limit, escapes, surrogates, numbers, truncated, trailing garbage, invalid UTF-8)
/// into route selection and path extraction: nothing throws, and a selected route is in the table or is <c>$default</c>.
/// </summary>
public sealed class JsonRouteFuzzTests
{
    private const int Seed = 0x5EED_0003;
    private const int Cases = 5000;

    private static readonly string[] Keys = ["action", "service", "do", "message", "a\u00e9", "\ud83d\ude00", "", "key"];

    private static readonly string[] RouteKeys = ["onMessage", "chat/join", "1", "true", "null", "\u00e9t\u00e9", "\ud83d\ude00", "$default", "-", "/"];

    private static readonly string[] Expressions =
    [
        "$request.body.action",
        "$request.body.service.do",
        "${request.body.service}/${request.body.action}",
        "${request.body.action}-${request.body.missing}",
        "$request.body.a\u00e9",
        "static",
    ];

    private sealed class Named(string name) : IRouteIntegration
    {
        public string Name { get; } = name;

        public bool RunsInline => true;

        public ValueTask<RouteResult> InvokeAsync(RouteInvocation invocation, CancellationToken cancellationToken) => ValueTask.FromResult(RouteResult.Ok);
    }

    private static readonly (WebSocketApiRuntime Api, Dictionary<string, RouteRuntime> Routes)[] Apis =
        [.. Expressions.SelectMany(e => new[] { Api(e, withDefault: true), Api(e, withDefault: false) })];

    private static readonly JsonBodyPath[] Paths =
        [.. new[] { "$request.body.action", "$request.body.service.do", "$request.body.message", "$request.body.a.b.c.d" }.Select(Path)];

    [Fact]
    public void RandomJson_NeverThrows_AndSelectsOnlyKnownRoutes()
    {
        var random = new Random(Seed);
        var selected = 0;
        for (var index = 0; index < Cases; index++)
        {
            var message = NextMessage(random);
            selected += CheckMessage(message, Fuzz.Describe(Seed, index, message));
        }

        Assert.True(selected > 0, $"no message selected a route other than $default; seed {Seed}");
    }

    /// <summary>Runs one message through every API and path; returns how many selections found a route other than <c>$default</c>.</summary>
    internal static int CheckMessage(byte[] message, string described)
    {
        var selected = 0;
        try
        {
            foreach (var (api, routes) in Apis)
            {
                foreach (var isText in new[] { true, false })
                {
                    if (api.TrySelect(message, isText, out var route))
                    {
                        Assert.True(route is not null, $"selected a null route; {described}");
                        Assert.True(
                            route.Key == "$default" ? ReferenceEquals(route, api.Default) : routes.TryGetValue(route.Key, out var known) && ReferenceEquals(known, route),
                            $"'{api.Selector.Text}' selected route '{route.Key}', which is not in its table; {described}");
                        selected += route.Key == "$default" ? 0 : 1;
                    }
                    else
                    {
                        Assert.True(api.Default is null, $"'{api.Selector.Text}' selected nothing though it has $default; {described}");
                    }
                }
            }

            foreach (var path in Paths)
            {
                var lookup = JsonBody.Find(message, path);
                if (lookup.Found)
                {
                    var value = lookup.Value(message);
                    Assert.True(value.Length <= message.Length * 3 + 3, $"{path} found a value longer than the message; {described}");
                    _ = lookup.Value(message.AsMemory());
                }

                if (lookup.Status != JsonLookupStatus.NotJson)
                {
                    Assert.True(IsJson(message), $"{path} read the message as JSON, System.Text.Json does not; {described}");
                }
            }
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            Assert.Fail($"{ex.GetType().Name} escaped route selection: {ex.Message}; {described}; {ex.StackTrace}");
        }

        return selected;
    }

    private static (WebSocketApiRuntime Api, Dictionary<string, RouteRuntime> Routes) Api(string expression, bool withDefault)
    {
        Assert.True(RouteSelectionExpression.TryParse(expression, out var selector, out var error), error);
        var routes = RouteKeys.Where(k => k != "$default").ToDictionary(k => k, k => new RouteRuntime(k, new Named(k), TwoWay: false), StringComparer.Ordinal);
        var api = new WebSocketApiRuntime(
            "api", "", new HashSet<string> { "dev" }, selector, routes, null, null, withDefault ? new RouteRuntime("$default", new Named("$default"), false) : null);
        return (api, routes);
    }

    private static JsonBodyPath Path(string text)
    {
        Assert.True(JsonBodyPath.TryParse(text, out var path, out var error), error);
        return path;
    }

    private static bool IsJson(byte[] message)
    {
        try
        {
            using var document = JsonDocument.Parse(message, new JsonDocumentOptions { MaxDepth = JsonBody.MaxDepth });
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static byte[] NextMessage(Random random)
    {
        var text = new StringBuilder();
        WriteValue(random, text, random.Next(10) == 0 ? random.Next(500, 530) : random.Next(1, 6), root: true);
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        return random.Next(8) switch
        {
            0 => bytes[..random.Next(bytes.Length + 1)],
            1 => [.. bytes, .. Encoding.UTF8.GetBytes(new[] { " x", "}", "]", ",", " {}", "\u0000", "  " }[random.Next(7)])],
            2 => Fuzz.Mutate(random, bytes),
            3 => [.. bytes[..random.Next(bytes.Length + 1)], .. new byte[][] { [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0x80] }[random.Next(5)], .. bytes[random.Next(bytes.Length + 1)..]],
            _ => bytes,
        };
    }

    private static void WriteValue(Random random, StringBuilder text, int depth, bool root = false)
    {
        if (depth > 5)
        {
            // Deep: a chain of objects or arrays around the action, reaching past JsonBody.MaxDepth when depth > 512.
            var open = random.Next(2) == 0 ? "{\"action\":" : "[";
            for (var i = 0; i < depth; i++)
            {
                text.Append(open);
            }

            WriteScalar(random, text);
            for (var i = 0; i < depth; i++)
            {
                text.Append(open == "[" ? ']' : '}');
            }

            return;
        }

        var kind = root ? (random.Next(6) == 0 ? random.Next(6) : 0) : random.Next(6);
        switch (kind)
        {
            case 0 when depth > 0:
                text.Append('{');
                var count = random.Next(0, 5);
                for (var i = 0; i < count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(',');
                    }

                    text.Append(Whitespace(random));
                    WriteString(random, text, Keys[random.Next(Keys.Length)]);
                    text.Append(Whitespace(random)).Append(':').Append(Whitespace(random));
                    WriteValue(random, text, depth - 1);
                }

                text.Append('}');
                break;
            case 1 when depth > 0:
                text.Append('[');
                var items = random.Next(0, 4);
                for (var i = 0; i < items; i++)
                {
                    text.Append(i > 0 ? "," : "");
                    WriteValue(random, text, depth - 1);
                }

                text.Append(']');
                break;
            default:
                WriteScalar(random, text);
                break;
        }
    }

    private static void WriteScalar(Random random, StringBuilder text)
    {
        switch (random.Next(5))
        {
            case 0:
                text.Append(new[] { "0", "-0", "1", "1.50", "1e400", "-1E-400", "123456789012345678901234567890", "01", "1.", ".5", "NaN", "Infinity" }[random.Next(12)]);
                break;
            case 1:
                text.Append(new[] { "true", "false", "null", "tru", "nul" }[random.Next(5)]);
                break;
            default:
                WriteString(random, text, RouteKeys[random.Next(RouteKeys.Length)]);
                break;
        }
    }

    /// <summary>Writes a JSON string for <paramref name="value"/>, escaping characters at random, sometimes adding broken or lone-surrogate escapes.</summary>
    private static void WriteString(Random random, StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (random.Next(6))
            {
                // Escaping one half of a pair alone leaves a lone surrogate escape.
                case 0:
                    text.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case 1 when c == '/':
                    text.Append("\\/");
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }

        switch (random.Next(12))
        {
            // Property names get these too: a lone surrogate escape in a name once threw out of JsonBody.Find
            // (Fuzz/Corpus/json-lone-surrogate-key*.bin).
            case 0:
                text.Append(new[] { "\\ud800", "\\udc00", "\\ud83d\\u0041", "\\uDFFF\\uD800", "\\u12", "\\x41", "\\", "\\n\\t\\\"\\\\", "\u0001", "\ud800" }[random.Next(10)]);
                break;
            case 1:
                text.Append(new string('z', random.Next(250, 300)));
                break;
        }

        text.Append('"');
    }

    private static string Whitespace(Random random) => random.Next(5) switch
    {
        0 => " ",
        1 => "\r\n\t",
        2 => "\u00a0",
        _ => "",
    };
}
