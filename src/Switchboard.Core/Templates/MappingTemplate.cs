using System.Text;

namespace Switchboard.Templates;

/// <summary>
/// An API Gateway mapping template (a subset of Apache Velocity 1.7), compiled once into a tree.
/// Immutable after compilation, so one instance may render for many requests at once.
/// </summary>
public sealed class MappingTemplate
{
    /// <summary>Longest output a render may produce: Lambda's 6 MB payload limit, counted in characters.</summary>
    public const int MaxOutputChars = 6 * 1024 * 1024;

    private readonly Block _root;
    private readonly int _sizeHint;

    private MappingTemplate(Block root, int sizeHint)
    {
        _root = root;
        _sizeHint = sizeHint;
    }

    /// <summary>Compiles <paramref name="text"/>; on failure <paramref name="error"/> names the first problem and where it is.</summary>
    public static bool TryCompile(string text, out MappingTemplate? template, out TemplateError? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            var root = TemplateParser.Parse(text);
            template = new MappingTemplate(root, text.Length);
            error = null;
            return true;
        }
        catch (TemplateSyntaxException ex)
        {
            template = null;
            error = new TemplateError(ex.Position.Line, ex.Position.Column, ex.Message);
            return false;
        }
    }

    /// <summary>Renders the template for one request.</summary>
    /// <exception cref="TemplateRenderException">The template failed at run time.</exception>
    public string Render(TemplateInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var context = new RenderContext(input, new StringBuilder(Math.Min(_sizeHint + 64, MaxOutputChars), MaxOutputChars));
        try
        {
            _root.Render(context);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            // The builder's capacity limit: a loop re-emitting a large body must not take the server's memory.
            throw new TemplateRenderException($"the rendered template exceeds {MaxOutputChars} characters", ex);
        }

        return context.Output.ToString();
    }
}
