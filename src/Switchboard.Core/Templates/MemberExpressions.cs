using System.Text.RegularExpressions;

namespace Switchboard.Templates;

/// <summary><c>$a.b</c>: a map key, or a getter such as <c>$entry.key</c> or <c>$foreach.hasNext</c>.</summary>
internal sealed class PropertyExpr(SourcePosition position, Expr target, string name) : Expr(position)
{
    public Expr Target { get; } = target;

    public string Name { get; } = name;

    public override object? Evaluate(RenderContext context)
    {
        try
        {
            return VtlMembers.GetProperty(Target.Evaluate(context), Name, context);
        }
        catch (TemplateRenderException ex) when (ex.Line == 0)
        {
            throw Position.Fail(ex.Message, ex);
        }
    }
}

/// <summary><c>$list[0]</c> or <c>$map['key']</c>; out of range or missing gives null.</summary>
internal sealed class IndexExpr(SourcePosition position, Expr target, Expr index) : Expr(position)
{
    public Expr Target { get; } = target;

    public Expr Index { get; } = index;

    public override object? Evaluate(RenderContext context)
    {
        var container = Target.Evaluate(context);
        var key = Index.Evaluate(context);
        return container switch
        {
            IReadOnlyList<object?> list when VtlValues.TryGetInt(key, out var i) => i >= 0 && i < list.Count ? list[i] : null,
            IReadOnlyDictionary<string, object?> map when key is not null => map.GetValueOrDefault(VtlValues.ToText(key)),
            _ => null,
        };
    }
}

/// <summary>
/// <c>$a.b(args)</c>. When a regex method (<c>replaceAll</c>, <c>matches</c>, ...) gets a literal pattern,
/// the parser compiles it here once so rendering never builds a Regex.
/// </summary>
internal sealed class MethodCallExpr(SourcePosition position, Expr target, string name, Expr[] args) : Expr(position)
{
    public Expr Target { get; } = target;

    public string Name { get; } = name;

    public IReadOnlyList<Expr> Args { get; } = args;

    /// <summary>The first argument compiled as a Java-style regex, when it is a literal.</summary>
    public Regex? LiteralPattern { get; init; }

    /// <summary>The second argument converted to .NET replacement syntax, when it is a literal.</summary>
    public string? LiteralReplacement { get; init; }

    public override object? Evaluate(RenderContext context)
    {
        var receiver = Target.Evaluate(context);
        if (receiver is null)
        {
            return null;
        }

        var values = Args.Count == 0 ? [] : new object?[Args.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Args[i].Evaluate(context);
        }

        try
        {
            return MappingTemplate.WithinCap(VtlMembers.Invoke(receiver, Name, values, this, context), Position);
        }
        catch (TemplateRenderException ex) when (ex.Line == 0)
        {
            throw Position.Fail(ex.Message, ex);
        }
        catch (RegexMatchTimeoutException ex)
        {
            throw Position.Fail($"regular expression in {Name}() took too long", ex);
        }
    }

    public Regex Pattern(string pattern) => LiteralPattern ?? JavaRegex.Get(pattern, Name == "matches");

    public string Replacement(string replacement) => LiteralReplacement ?? JavaRegex.ConvertReplacement(replacement);
}
