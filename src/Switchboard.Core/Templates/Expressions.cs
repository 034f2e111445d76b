namespace Switchboard.Templates;

/// <summary>An expression of the compiled template: a reference, a literal or an operator.</summary>
internal abstract class Expr(SourcePosition position)
{
    public SourcePosition Position { get; } = position;

    public abstract object? Evaluate(RenderContext context);
}

internal sealed class LiteralExpr(SourcePosition position, object? value) : Expr(position)
{
    public object? Value { get; } = value;

    public override object? Evaluate(RenderContext context) => Value;
}

internal sealed class VariableExpr(SourcePosition position, string name) : Expr(position)
{
    public string Name { get; } = name;

    public override object? Evaluate(RenderContext context) => context.GetVariable(Name);
}

/// <summary>A double-quoted string with references in it, such as <c>"id-$id"</c>.</summary>
internal sealed class InterpolatedStringExpr(SourcePosition position, Block parts) : Expr(position)
{
    public override object? Evaluate(RenderContext context)
    {
        try
        {
            return MappingTemplate.WithinCap(parts.RenderToString(context), Position);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw Position.Fail(MappingTemplate.StringTooLong, ex);
        }
    }
}

internal sealed class ListExpr(SourcePosition position, Expr[] items) : Expr(position)
{
    public override object? Evaluate(RenderContext context)
    {
        var list = new VtlList();
        foreach (var item in items)
        {
            list.Add(item.Evaluate(context));
        }

        return list;
    }
}

internal sealed class MapExpr(SourcePosition position, (Expr Key, Expr Value)[] entries) : Expr(position)
{
    public override object? Evaluate(RenderContext context)
    {
        var map = new VtlMap();
        foreach (var (key, value) in entries)
        {
            map[VtlValues.ToText(key.Evaluate(context))] = value.Evaluate(context);
        }

        return map;
    }
}

/// <summary><c>[1..5]</c>: the integers from one end to the other, counting down when the start is larger.</summary>
internal sealed class RangeExpr(SourcePosition position, Expr from, Expr to) : Expr(position)
{
    // A range only feeds #foreach, which stops at 1000 iterations; refusing huge ranges up front
    // keeps "[1..2000000000]" from allocating gigabytes first.
    private const int MaxLength = 100_000;

    public override object? Evaluate(RenderContext context)
    {
        if (!VtlValues.TryGetInt(from.Evaluate(context), out var start) || !VtlValues.TryGetInt(to.Evaluate(context), out var end))
        {
            return null;
        }

        var length = Math.Abs((long)end - start) + 1;
        if (length > MaxLength)
        {
            throw Position.Fail($"range [{start}..{end}] has more than {MaxLength} elements");
        }

        var step = end >= start ? 1 : -1;
        var list = new VtlList();
        for (long i = start; list.Count < length; i += step)
        {
            list.Add(i);
        }

        return list;
    }
}

internal sealed class NotExpr(SourcePosition position, Expr operand) : Expr(position)
{
    public override object? Evaluate(RenderContext context) => !VtlValues.IsTrue(operand.Evaluate(context));
}

internal sealed class NegateExpr(SourcePosition position, Expr operand) : Expr(position)
{
    public override object? Evaluate(RenderContext context) => VtlOperators.Negate(operand.Evaluate(context));
}

internal sealed class LogicalExpr(SourcePosition position, bool isAnd, Expr left, Expr right) : Expr(position)
{
    public override object? Evaluate(RenderContext context)
    {
        var first = VtlValues.IsTrue(left.Evaluate(context));
        if (isAnd ? !first : first)
        {
            return first;
        }

        return VtlValues.IsTrue(right.Evaluate(context));
    }
}

internal sealed class BinaryExpr(SourcePosition position, string op, Expr left, Expr right) : Expr(position)
{
    public override object? Evaluate(RenderContext context)
    {
        var a = left.Evaluate(context);
        var b = right.Evaluate(context);
        return op switch
        {
            "==" => VtlOperators.AreEqual(a, b),
            "!=" => !VtlOperators.AreEqual(a, b),
            "<" => VtlOperators.Compare(a, b) is < 0,
            "<=" => VtlOperators.Compare(a, b) is <= 0,
            ">" => VtlOperators.Compare(a, b) is > 0,
            ">=" => VtlOperators.Compare(a, b) is >= 0,
            _ => MappingTemplate.WithinCap(VtlOperators.Arithmetic(op[0], a, b), Position),
        };
    }
}
