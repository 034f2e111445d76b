namespace Switchboard.Templates;

/// <summary>A 1-based line and column in the template text, kept on nodes so render errors can point at their source.</summary>
internal readonly record struct SourcePosition(int Line, int Column)
{
    public TemplateRenderException Fail(string message, Exception? inner = null) => new(Line, Column, message, inner);
}

/// <summary>Maps character offsets of a template to line and column.</summary>
internal sealed class LineMap
{
    private readonly int[] _lineStarts;
    private readonly SourcePosition _origin;

    /// <param name="text">The text being parsed.</param>
    /// <param name="origin">Where <paramref name="text"/> starts in the whole template; a double-quoted
    /// string literal is parsed as a template of its own and reports positions in the outer text.</param>
    public LineMap(string text, SourcePosition origin)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                starts.Add(i + 1);
            }
        }

        _lineStarts = [.. starts];
        _origin = origin;
    }

    public SourcePosition At(int offset)
    {
        var index = Array.BinarySearch(_lineStarts, offset);
        var line = index >= 0 ? index : ~index - 1;
        var column = offset - _lineStarts[line] + 1;
        return line == 0
            ? new SourcePosition(_origin.Line, _origin.Column + column - 1)
            : new SourcePosition(_origin.Line + line, column);
    }
}

/// <summary>Thrown inside the parser and turned into a <see cref="TemplateError"/> by <see cref="MappingTemplate.TryCompile"/>.</summary>
internal sealed class TemplateSyntaxException(SourcePosition position, string message) : Exception(message)
{
    public SourcePosition Position { get; } = position;
}
