using System.Text;

namespace Switchboard.Templates;

/// <summary>
/// An API Gateway mapping template (a subset of Apache Velocity 1.7), compiled once into a tree.
/// Immutable after compilation, so one instance may render for many requests at once.
/// </summary>
public sealed class MappingTemplate
{
    /// <summary>
    /// Longest output a render may produce: Lambda's 6 MB payload limit, counted in characters. Every string a render
    /// builds on the way (interpolated, joined with <c>+</c>, returned by a method) is held to it too, so a loop cannot
    /// carry a variable growing to 1,000 times the body (<c>#set($s = "$s$input.body")</c>) while printing nothing.
    /// </summary>
    public const int MaxOutputChars = 6 * 1024 * 1024;

    internal static readonly string StringTooLong = $"a string longer than {MaxOutputChars} characters, the template output limit";

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

        // StringBuilder checks its maximum only when it adds a chunk, and a chunk may reach past it: a builder capped
        // at 6,291,456 took 1,000 appends of 6,292 characters (measured on .NET 10). The exact check is this one.
        if (context.Output.Length > MaxOutputChars)
        {
            throw new TemplateRenderException($"the rendered template exceeds {MaxOutputChars} characters");
        }

        return context.Output.ToString();
    }

    /// <summary><paramref name="value"/>, unless it is a string longer than <see cref="MaxOutputChars"/>.</summary>
    internal static object? WithinCap(object? value, SourcePosition position) =>
        value is string { Length: > MaxOutputChars } ? throw position.Fail(StringTooLong) : value;
}
