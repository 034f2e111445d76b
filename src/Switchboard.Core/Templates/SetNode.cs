namespace Switchboard.Templates;

/// <summary><c>#set($x = value)</c>, <c>#set($map.key = value)</c> or <c>#set($map['key'] = value)</c>.</summary>
internal sealed class SetNode(Expr target, Expr value) : Node
{
    public override bool Render(RenderContext context)
    {
        var result = value.Evaluate(context);

        // Velocity 1.7 (directive.set.null.allowed=false, the default API Gateway runs with) leaves the
        // target unchanged when the value is null; templates that reuse a variable in a loop depend on it.
        if (result is null)
        {
            return true;
        }

        switch (target)
        {
            case VariableExpr variable:
                context.SetVariable(variable.Name, result);
                break;
            case PropertyExpr property:
                Store(property.Target.Evaluate(context), property.Name, result);
                break;
            case IndexExpr index:
                Store(index.Target.Evaluate(context), index.Index.Evaluate(context), result);
                break;
        }

        return true;
    }

    // Only maps and lists made while rendering can change: the input's dictionaries are shared
    // between concurrent renders, so an assignment into them is ignored as Velocity ignores a failed setter.
    private static void Store(object? container, object? key, object? result)
    {
        switch (container)
        {
            case VtlMap map:
                map[VtlValues.ToText(key)] = result;
                break;
            case VtlList list when VtlValues.TryGetInt(key, out var index) && index >= 0 && index < list.Count:
                list[index] = result;
                break;
        }
    }
}
