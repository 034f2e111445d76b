namespace Switchboard.Templates;

/// <summary>A problem found while compiling a mapping template.</summary>
/// <param name="Line">1-based line in the template text.</param>
/// <param name="Column">1-based column in the template text.</param>
/// <param name="Message">What is wrong, in words a template author can act on.</param>
public sealed record TemplateError(int Line, int Column, string Message)
{
    public override string ToString() => $"line {Line}, column {Column}: {Message}";
}
