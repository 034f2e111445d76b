using System.Globalization;
using System.Text.Json;

namespace Switchboard.Templates;

/// <summary>
/// The JSONPath subset of <c>$input.json</c> and <c>$input.path</c>: <c>$</c> followed by
/// <c>.name</c>, <c>['name']</c>, <c>["name"]</c> and <c>[index]</c>. No wildcards, filters or
/// recursive descent: those select several values, which this engine does not model.
/// </summary>
internal static class TemplateJsonPath
{
    /// <summary>Finds the element at <paramref name="path"/>; false when any step is missing.</summary>
    /// <exception cref="TemplateRenderException">The path is not in the supported subset.</exception>
    public static bool TrySelect(JsonElement root, string path, out JsonElement found)
    {
        found = root;
        var i = 0;
        if (path.StartsWith('$'))
        {
            i = 1;
        }
        else if (path.Length > 0 && path[0] != '.' && path[0] != '[')
        {
            // Jayway TemplateJsonPath (behind API Gateway) accepts "a.b" as "$.a.b".
            path = "." + path;
        }

        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = i + 1;
                while (end < path.Length && path[end] != '.' && path[end] != '[')
                {
                    end++;
                }

                if (end == i + 1)
                {
                    throw Invalid(path);
                }

                if (!TryProperty(ref found, path[(i + 1)..end]))
                {
                    return false;
                }

                i = end;
            }
            else if (path[i] == '[')
            {
                var close = path.IndexOf(']', i);
                if (close < 0)
                {
                    throw Invalid(path);
                }

                var inner = path[(i + 1)..close].Trim();
                var step = inner.Length >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[^1] == inner[0]
                    ? TryProperty(ref found, inner[1..^1])
                    : int.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                        ? TryIndex(ref found, index)
                        : throw Invalid(path);
                if (!step)
                {
                    return false;
                }

                i = close + 1;
            }
            else
            {
                throw Invalid(path);
            }
        }

        return true;
    }

    private static bool TryProperty(ref JsonElement element, string name)
    {
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var child))
        {
            element = child;
            return true;
        }

        return false;
    }

    private static bool TryIndex(ref JsonElement element, int index)
    {
        if (element.ValueKind == JsonValueKind.Array && index < element.GetArrayLength())
        {
            element = element[index];
            return true;
        }

        return false;
    }

    private static TemplateRenderException Invalid(string path) =>
        new($"unsupported JSONPath '{path}': use $, .name, ['name'] and [index]");
}
