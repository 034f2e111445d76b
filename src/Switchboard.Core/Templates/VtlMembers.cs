namespace Switchboard.Templates;

/// <summary>
/// Resolves <c>$x.name</c> and <c>$x.name(args)</c> on template values, standing in for the Java
/// methods Velocity would find by reflection. An unknown member gives null, which renders as nothing.
/// </summary>
internal static class VtlMembers
{
    public static object? GetProperty(object? target, string name, RenderContext context)
    {
        switch (target)
        {
            case null:
                return null;
            case IVtlObject builtIn:
                return builtIn.TryGetProperty(name, context, out var value) ? value : null;
            case IReadOnlyDictionary<string, object?> map:
                return map.GetValueOrDefault(name);
        }

        // Velocity turns $s.empty into s.getEmpty() or s.isEmpty(); try the same getters.
        if (name.Length == 0)
        {
            return null;
        }

        var suffix = char.ToUpperInvariant(name[0]) + name[1..];
        if (TryInvoke(target, "get" + suffix, [], null, context, out var result)
            || TryInvoke(target, "is" + suffix, [], null, context, out result))
        {
            return result;
        }

        return null;
    }

    public static object? Invoke(object target, string name, object?[] args, MethodCallExpr call, RenderContext context) =>
        TryInvoke(target, name, args, call, context, out var result) ? result : null;

    private static bool TryInvoke(object target, string name, object?[] args, MethodCallExpr? call, RenderContext context, out object? result)
    {
        var found = target switch
        {
            IVtlObject builtIn when call is not null => builtIn.TryInvoke(name, args, call, context, out result),
            string s => StringMethods.TryInvoke(s, name, args, call, out result),
            IReadOnlyDictionary<string, object?> map => CollectionMethods.TryInvokeMap(map, name, args, out result),
            IReadOnlyList<object?> list => CollectionMethods.TryInvokeList(list, name, args, out result),
            _ => NotFound(out result),
        };
        return found || TryInvokeObjectMethod(target, name, args, out result);
    }

    // The java.lang.Object methods every value has.
    private static bool TryInvokeObjectMethod(object target, string name, object?[] args, out object? result)
    {
        switch (name)
        {
            case "toString" when args.Length == 0:
                result = VtlValues.ToText(target);
                return true;
            case "equals" when args.Length == 1:
                result = VtlOperators.AreEqual(target, args[0]);
                return true;
            default:
                return NotFound(out result);
        }
    }

    public static bool NotFound(out object? result)
    {
        result = null;
        return false;
    }
}
