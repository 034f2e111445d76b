using System.Text.Json;

namespace Switchboard.Templates;

/// <summary>
/// <c>$input</c>: the request body and parameters. The body is parsed once, on first use, and only
/// if the template asks for it.
/// </summary>
internal sealed class InputVariable(TemplateInput input) : IVtlObject, IDisposable
{
    private JsonDocument? _document;
    private bool _parsed;
    private VtlMap? _params;

    public bool TryGetProperty(string name, RenderContext context, out object? value)
    {
        value = name == "body" ? input.Body : null;
        return name == "body";
    }

    public bool TryInvoke(string name, object?[] args, MethodCallExpr call, RenderContext context, out object? result)
    {
        switch (name, args.Length)
        {
            case ("json", 1):
                result = Select(args[0], out var element) ? JsonValues.ToJson(element) : "";
                return true;
            case ("path", 1):
                result = Select(args[0], out element) ? JsonValues.ToValue(element) : null;
                return true;
            case ("params", 0):
                result = AllParams();
                return true;
            case ("params", 1):
                result = Param(VtlValues.ToText(args[0]));
                return true;
            case ("getBody", 0):
                result = input.Body;
                return true;
            default:
                return VtlMembers.NotFound(out result);
        }
    }

    /// <summary>A body that is not JSON selects nothing: <c>$input.json</c> gives "" and <c>$input.path</c> null.</summary>
    private bool Select(object? path, out JsonElement element)
    {
        if (!_parsed)
        {
            _parsed = true;
            _document = JsonValues.TryParse(input.Body);
        }

        element = default;
        return _document is not null && TemplateJsonPath.TrySelect(_document.RootElement, VtlValues.ToText(path), out element);
    }

    /// <summary>Path, then query string, then header (any casing); the first that has the name wins.</summary>
    private string Param(string name)
    {
        return Last(input.PathParameters, name, StringComparison.Ordinal)
            ?? Last(input.QueryParameters, name, StringComparison.Ordinal)
            ?? Last(input.Headers, name, StringComparison.OrdinalIgnoreCase)
            ?? "";
    }

    // A repeated query parameter or header: the last value wins, as in the maps of $input.params().
    private static string? Last(IReadOnlyList<KeyValuePair<string, string>> pairs, string name, StringComparison comparison)
    {
        for (var i = pairs.Count - 1; i >= 0; i--)
        {
            if (string.Equals(pairs[i].Key, name, comparison))
            {
                return pairs[i].Value;
            }
        }

        return null;
    }

    private VtlMap AllParams()
    {
        return _params ??= new VtlMap
        {
            ["path"] = ToMap(input.PathParameters, StringComparer.Ordinal),
            ["querystring"] = ToMap(input.QueryParameters, StringComparer.Ordinal),
            ["header"] = ToMap(input.Headers, StringComparer.OrdinalIgnoreCase),
        };
    }

    private static VtlMap ToMap(IReadOnlyList<KeyValuePair<string, string>> pairs, StringComparer comparer)
    {
        var map = new VtlMap(comparer);
        foreach (var (key, value) in pairs)
        {
            map[key] = value;
        }

        return map;
    }

    public void Dispose() => _document?.Dispose();

    public override string ToString() => "$input";
}
