namespace Switchboard.Templates;

/// <summary>The java.util.Map and java.util.List methods templates call.</summary>
internal static class CollectionMethods
{
    public static bool TryInvokeMap(IReadOnlyDictionary<string, object?> map, string name, object?[] args, out object? result)
    {
        switch (name, args.Length)
        {
            case ("get", 1):
                result = args[0] is null ? null : map.GetValueOrDefault(VtlValues.ToText(args[0]));
                return true;
            case ("containsKey", 1):
                result = args[0] is not null && map.ContainsKey(VtlValues.ToText(args[0]));
                return true;
            case ("containsValue", 1):
                result = map.Values.Any(value => VtlOperators.AreEqual(value, args[0]));
                return true;
            case ("keySet", 0):
                result = new VtlList(map.Keys);
                return true;
            case ("values", 0):
                result = new VtlList(map.Values);
                return true;
            case ("entrySet", 0):
                result = new VtlList(map.Select(pair => (object?)new VtlEntry(pair.Key, pair.Value)));
                return true;
            case ("size" or "count", 0):
                result = (long)map.Count;
                return true;
            case ("isEmpty", 0):
                result = map.Count == 0;
                return true;
            case ("put", 2) when map is VtlMap writable:
                // Java's put returns the previous value; templates call it as #set($ignored = $m.put(k, v)).
                var key = VtlValues.ToText(args[0]);
                result = writable.GetValueOrDefault(key);
                writable[key] = args[1];
                return true;
            case ("remove", 1) when map is VtlMap writable:
                writable.Remove(VtlValues.ToText(args[0]), out result);
                return true;
            default:
                return VtlMembers.NotFound(out result);
        }
    }

    public static bool TryInvokeList(IReadOnlyList<object?> list, string name, object?[] args, out object? result)
    {
        switch (name, args.Length)
        {
            case ("get", 1):
                result = VtlValues.TryGetInt(args[0], out var i) && i >= 0 && i < list.Count
                    ? list[i]
                    : throw new TemplateRenderException($"get({VtlValues.ToText(args[0])}) is out of range for a list of size {list.Count}");
                return true;
            // count() is not a Java method, but API Gateway's examples call $input.path('$.pets').count().
            case ("size" or "count", 0):
                result = (long)list.Count;
                return true;
            case ("isEmpty", 0):
                result = list.Count == 0;
                return true;
            case ("contains", 1):
                result = list.Any(item => VtlOperators.AreEqual(item, args[0]));
                return true;
            case ("indexOf", 1):
                result = (long)IndexOf(list, args[0]);
                return true;
            case ("add", 1) when list is VtlList writable:
                writable.Add(args[0]);
                result = true;
                return true;
            default:
                return VtlMembers.NotFound(out result);
        }
    }

    private static int IndexOf(IReadOnlyList<object?> list, object? value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (VtlOperators.AreEqual(list[i], value))
            {
                return i;
            }
        }

        return -1;
    }
}
