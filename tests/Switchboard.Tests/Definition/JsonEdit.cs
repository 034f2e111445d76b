using System.Text;
using System.Text.Json.Nodes;

namespace Switchboard.Tests.Definition;

/// <summary>
/// Edits a JSON text at a path written as definition errors write them (<c>$.webSocketApis[0].routes['$connect']</c>),
/// so each test case states its change and its expected error in the same terms.
/// </summary>
internal static class JsonEdit
{
    /// <summary>A value that removes the property or array item instead of setting it.</summary>
    public const string Remove = "<remove>";

    public static string Apply(string json, params (string Path, string Value)[] edits)
    {
        var root = JsonNode.Parse(json) ?? throw new ArgumentException("null document", nameof(json));
        foreach (var (path, value) in edits)
        {
            Set(root, path, value);
        }

        return root.ToJsonString();
    }

    private static void Set(JsonNode root, string path, string value)
    {
        var steps = Parse(path);
        var node = root;
        foreach (var step in steps.Take(steps.Count - 1))
        {
            node = (step is int index ? node[index] : node[(string)step])
                ?? throw new ArgumentException($"nothing at {step} in {path}", nameof(path));
        }

        var newValue = value == Remove ? null : JsonNode.Parse(value);
        if (steps[^1] is int last)
        {
            var array = node.AsArray();
            if (value == Remove)
            {
                array.RemoveAt(last);
            }
            else if (last == array.Count)
            {
                array.Add(newValue);
            }
            else
            {
                array[last] = newValue;
            }
        }
        else
        {
            var obj = node.AsObject();
            var name = (string)steps[^1];
            if (value == Remove)
            {
                obj.Remove(name);
            }
            else
            {
                obj[name] = newValue;
            }
        }
    }

    private static List<object> Parse(string path)
    {
        if (!path.StartsWith('$'))
        {
            throw new ArgumentException($"path must start with $: {path}", nameof(path));
        }

        var steps = new List<object>();
        var i = 1;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                steps.Add(path[(i + 1)..end]);
                i = end;
            }
            else if (path[i] == '[' && path[i + 1] == '\'')
            {
                var name = new StringBuilder();
                i += 2;
                while (path[i] != '\'')
                {
                    if (path[i] == '\\')
                    {
                        i++;
                    }

                    name.Append(path[i++]);
                }

                steps.Add(name.ToString());
                i += 2;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                steps.Add(int.Parse(path[(i + 1)..end], System.Globalization.CultureInfo.InvariantCulture));
                i = end + 1;
            }
            else
            {
                throw new ArgumentException($"bad path {path} at {i}", nameof(path));
            }
        }

        return steps;
    }
}
