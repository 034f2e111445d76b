using System.Text;

namespace Switchboard.Templates;

/// <summary>A statement of the compiled template. Rendering returns false when a <c>#break</c> unwinds it.</summary>
internal abstract class Node
{
    public abstract bool Render(RenderContext context);
}

internal sealed class Block(Node[] nodes) : Node
{
    public static readonly Block Empty = new([]);

    public IReadOnlyList<Node> Nodes { get; } = nodes;

    public override bool Render(RenderContext context)
    {
        foreach (var node in Nodes)
        {
            if (!node.Render(context))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Renders into a fresh buffer, for double-quoted string literals that interpolate.</summary>
    public string RenderToString(RenderContext context)
    {
        var saved = context.Output;
        // Capped like the output (the builder's check is loose by up to a chunk; the caller checks exactly).
        context.Output = new StringBuilder(16, MappingTemplate.MaxOutputChars);
        try
        {
            Render(context);
            return context.Output.ToString();
        }
        finally
        {
            context.Output = saved;
        }
    }
}

internal sealed class TextNode(string text) : Node
{
    public string Text { get; } = text;

    public override bool Render(RenderContext context)
    {
        context.Output.Append(Text);
        return true;
    }
}

/// <summary>
/// A reference in the text (<c>$x</c>, <c>$!x</c>, <c>${x}</c>). A null value renders nothing in
/// every form: API Gateway does not echo the reference text the way plain Velocity does.
/// </summary>
internal sealed class OutputNode(Expr reference) : Node
{
    public override bool Render(RenderContext context)
    {
        try
        {
            VtlValues.Append(context.Output, reference.Evaluate(context));
        }
        catch (TemplateRenderException ex) when (ex.Line == 0)
        {
            throw reference.Position.Fail(ex.Message, ex);
        }

        return true;
    }
}

internal sealed class BreakNode : Node
{
    public override bool Render(RenderContext context) => false;
}

internal sealed class IfNode((Expr Condition, Block Body)[] branches, Block elseBody) : Node
{
    public override bool Render(RenderContext context)
    {
        foreach (var (condition, body) in branches)
        {
            if (VtlValues.IsTrue(condition.Evaluate(context)))
            {
                return body.Render(context);
            }
        }

        return elseBody.Render(context);
    }
}
