namespace Switchboard.Templates;

/// <summary>
/// A map made while rendering (a JSON object, a map literal, <c>$input.params()</c>). Keeps insertion
/// order so output follows the request. Only these maps accept <c>put</c>; the input's own dictionaries
/// are shared between renders.
/// </summary>
internal sealed class VtlMap : OrderedDictionary<string, object?>, IReadOnlyDictionary<string, object?>
{
    public VtlMap()
        : base(StringComparer.Ordinal)
    {
    }

    public VtlMap(IEqualityComparer<string> comparer)
        : base(comparer)
    {
    }

    public override string ToString() => VtlValues.ToText(this);
}

/// <summary>A list made while rendering (a JSON array, a list literal, a key set). Accepts <c>add</c>.</summary>
internal sealed class VtlList : List<object?>
{
    public VtlList()
    {
    }

    public VtlList(IEnumerable<object?> items)
        : base(items)
    {
    }

    public override string ToString() => VtlValues.ToText(this);
}

/// <summary>An element of <c>$map.entrySet()</c>: <c>$entry.key</c> and <c>$entry.value</c>.</summary>
internal sealed record VtlEntry(string Key, object? Value) : IVtlObject
{
    public bool TryGetProperty(string name, RenderContext context, out object? value)
    {
        value = name switch
        {
            "key" => Key,
            "value" => Value,
            _ => null,
        };
        return name is "key" or "value";
    }

    public bool TryInvoke(string name, object?[] args, MethodCallExpr call, RenderContext context, out object? result)
    {
        result = name switch
        {
            "getKey" => Key,
            "getValue" => Value,
            _ => null,
        };
        return args.Length == 0 && name is "getKey" or "getValue";
    }

    public override string ToString() => Key + "=" + VtlValues.ToText(Value);
}
