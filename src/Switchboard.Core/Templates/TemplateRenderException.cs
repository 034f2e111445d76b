namespace Switchboard.Templates;

/// <summary>
/// A mapping template failed while rendering, e.g. <c>$util.parseJson</c> of invalid JSON or a
/// <c>#foreach</c> over more than 1000 items. The gateway answers such a request with an error
/// instead of sending a half-rendered payload.
/// </summary>
public sealed class TemplateRenderException : Exception
{
    public TemplateRenderException()
    {
    }

    public TemplateRenderException(string message)
        : base(message)
    {
    }

    public TemplateRenderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal TemplateRenderException(int line, int column, string message, Exception? innerException = null)
        : base($"line {line}, column {column}: {message}", innerException)
    {
        Line = line;
        Column = column;
    }

    /// <summary>1-based line of the template construct that failed; 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>1-based column of the template construct that failed; 0 when unknown.</summary>
    public int Column { get; }
}
