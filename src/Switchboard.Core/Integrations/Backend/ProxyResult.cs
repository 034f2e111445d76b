using System.Text;
using System.Text.Json;

namespace Switchboard.Integrations.Backend;

/// <summary>
/// Reads a Lambda proxy result (<c>{"statusCode":..,"headers":{..},"body":".."}</c>), the shape both <c>lambda</c> and
/// <c>http</c> backends answer in.
/// </summary>
internal static class ProxyResult
{
    /// <summary>
    /// For a WebSocket route. Lenient as API Gateway is there: <c>null</c>, an object without <c>statusCode</c> or a bare
    /// value is a 200; a bare string or a non-string <c>body</c> is the text sent back on a two-way route. False when the
    /// answer is not JSON at all, or its <c>statusCode</c> is neither an integer nor a numeric string.
    /// </summary>
    public static bool TryReadRoute(byte[] answer, out RouteResult result)
    {
        result = RouteResult.Ok;
        if (answer.Length == 0)
        {
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(answer);
            var root = document.RootElement;
            switch (root.ValueKind)
            {
                case JsonValueKind.Object:
                    var status = 200;
                    if (root.TryGetProperty("statusCode", out var code) && !TryReadStatus(code, out status))
                    {
                        return false;
                    }

                    var body = root.TryGetProperty("body", out var bodyElement) ? TextOf(bodyElement) : null;
                    result = new RouteResult(RouteOutcome.Completed, status, body, Headers(root));
                    return true;
                case JsonValueKind.Null:
                    return true;
                default:
                    result = new RouteResult(RouteOutcome.Completed, 200, TextOf(root));
                    return true;
            }
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// For a REST method without a template, strictly as API Gateway reads it: an object with an integer
    /// <c>statusCode</c>, optional <c>headers</c>/<c>multiValueHeaders</c>, a string <c>body</c> and
    /// <c>isBase64Encoded</c>. Anything else is a malformed proxy response (502).
    /// </summary>
    public static bool TryReadRest(byte[] answer, out int status, out byte[] body, out IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        status = 502;
        body = [];
        headers = [];
        try
        {
            using var document = JsonDocument.Parse(answer);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("statusCode", out var code)
                || !TryReadStatus(code, out status)
                || status is < 100 or > 599)
            {
                return false;
            }

            if (root.TryGetProperty("body", out var bodyElement) && bodyElement.ValueKind != JsonValueKind.Null)
            {
                if (bodyElement.ValueKind != JsonValueKind.String)
                {
                    return false;
                }

                var base64 = root.TryGetProperty("isBase64Encoded", out var flag) && flag.ValueKind == JsonValueKind.True;
                body = base64 ? Convert.FromBase64String(bodyElement.GetString()!) : Encoding.UTF8.GetBytes(bodyElement.GetString()!);
            }

            var list = new List<KeyValuePair<string, string>>(Headers(root) ?? []);
            if (root.TryGetProperty("multiValueHeaders", out var multi) && multi.ValueKind == JsonValueKind.Object)
            {
                foreach (var header in multi.EnumerateObject())
                {
                    if (header.Value.ValueKind == JsonValueKind.Array)
                    {
                        list.RemoveAll(h => string.Equals(h.Key, header.Name, StringComparison.OrdinalIgnoreCase));
                        list.AddRange(header.Value.EnumerateArray().Select(v => new KeyValuePair<string, string>(header.Name, TextOf(v) ?? "")));
                    }
                }
            }

            headers = list;
            return true;
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return false;
        }
    }

    /// <summary>An integer status, also as a numeric string (API Gateway accepts <c>"statusCode": "201"</c>).</summary>
    private static bool TryReadStatus(JsonElement code, out int status)
    {
        status = 0;
        return code.ValueKind switch
        {
            JsonValueKind.Number => code.TryGetInt32(out status),
            JsonValueKind.String => int.TryParse(code.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out status),
            _ => false,
        };
    }

    private static List<KeyValuePair<string, string>>? Headers(JsonElement root)
    {
        if (!root.TryGetProperty("headers", out var headers) || headers.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return [.. headers.EnumerateObject().Select(static h => new KeyValuePair<string, string>(h.Name, TextOf(h.Value) ?? ""))];
    }

    private static string? TextOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };
}
