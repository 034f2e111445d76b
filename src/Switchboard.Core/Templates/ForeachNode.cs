namespace Switchboard.Templates;

/// <summary><c>#foreach($item in $items) ... #end</c>.</summary>
internal sealed class ForeachNode(SourcePosition position, string variable, Expr items, Block body) : Node
{
    /// <summary>API Gateway stops a template whose #foreach would run more than this many times.</summary>
    public const int MaxIterations = 1000;

    public override bool Render(RenderContext context)
    {
        var list = ToList(items.Evaluate(context));
        if (list is null || list.Count == 0)
        {
            return true;
        }

        var savedItem = context.GetVariable(variable);
        var savedScope = context.GetVariable("foreach");
        var savedCount = context.GetVariable("velocityCount");
        var scope = new ForeachScope(savedScope as ForeachScope);
        context.SetVariable("foreach", scope);
        try
        {
            // Count is read on every pass: a body that adds to the list it walks keeps going, up to the limit.
            for (var i = 0; i < list.Count; i++)
            {
                if (i == MaxIterations)
                {
                    throw position.Fail($"#foreach ran more than {MaxIterations} iterations, the API Gateway limit");
                }

                scope.Index = i;
                scope.HasNext = i + 1 < list.Count;
                context.SetVariable(variable, list[i]);
                context.SetVariable("velocityCount", (long)(i + 1));
                if (!body.Render(context))
                {
                    break;
                }
            }
        }
        finally
        {
            context.RestoreVariable(variable, savedItem);
            context.RestoreVariable("foreach", savedScope);
            context.RestoreVariable("velocityCount", savedCount);
        }

        return true;
    }

    // Velocity walks a map's values; anything that is not a collection is skipped.
    private static IReadOnlyList<object?>? ToList(object? value) => value switch
    {
        IReadOnlyList<object?> list => list,
        IReadOnlyDictionary<string, object?> map => [.. map.Values],
        _ => null,
    };
}

/// <summary>The <c>$foreach</c> object of the innermost loop.</summary>
internal sealed class ForeachScope(ForeachScope? parent) : IVtlObject
{
    public int Index { get; set; }

    public bool HasNext { get; set; }

    public bool TryGetProperty(string name, RenderContext context, out object? value)
    {
        value = name switch
        {
            "index" => (long)Index,
            "count" => (long)(Index + 1),
            "hasNext" => HasNext,
            "first" => Index == 0,
            "last" => !HasNext,
            "parent" => parent,
            _ => null,
        };
        return value is not null || name == "parent";
    }

    public bool TryInvoke(string name, object?[] args, MethodCallExpr call, RenderContext context, out object? result)
    {
        var property = name switch
        {
            "getIndex" => "index",
            "getCount" => "count",
            "hasNext" or "getHasNext" => "hasNext",
            "isFirst" or "getFirst" => "first",
            "isLast" or "getLast" => "last",
            "getParent" => "parent",
            _ => null,
        };
        result = null;
        return args.Length == 0 && property is not null && TryGetProperty(property, context, out result);
    }

    public override string ToString() => "$foreach";
}
