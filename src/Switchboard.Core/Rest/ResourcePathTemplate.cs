namespace Switchboard.Rest;

/// <summary>A REST resource path such as <c>/receiver</c> or <c>/items/{id}</c>, matched segment by segment.</summary>
internal sealed class ResourcePathTemplate
{
    private readonly string[] _segments;

    public ResourcePathTemplate(string path)
    {
        Path = path;
        _segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
    }

    public string Path { get; }

    /// <summary>How many <c>{name}</c> segments the path has; literal paths are tried first.</summary>
    public int ParameterCount => _segments.Count(static s => s.StartsWith('{'));

    /// <summary>Matches a request path (after the stage); fills <paramref name="parameters"/> with <c>{name}</c> captures.</summary>
    public bool TryMatch(ReadOnlySpan<char> requestPath, Dictionary<string, string> parameters)
    {
        var index = 0;
        foreach (var range in requestPath.Split('/'))
        {
            var segment = requestPath[range];
            if (segment.IsEmpty)
            {
                continue;
            }

            if (index >= _segments.Length)
            {
                return false;
            }

            var expected = _segments[index++];
            if (expected.Length > 2 && expected[0] == '{' && expected[^1] == '}')
            {
                parameters[expected[1..^1]] = Uri.UnescapeDataString(segment.ToString());
            }
            else if (!segment.SequenceEqual(expected))
            {
                return false;
            }
        }

        return index == _segments.Length;
    }
}
