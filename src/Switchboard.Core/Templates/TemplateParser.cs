using System.Text;

namespace Switchboard.Templates;

/// <summary>
/// Parses template text into a tree in one pass. Text, comments and escapes are handled here;
/// directives, references and expressions in the other parts of this class.
/// </summary>
internal sealed partial class TemplateParser
{
    private readonly string _text;
    private readonly LineMap _lines;

    // Whole-line directives are dropped with their line, but not inside a string literal.
    private readonly bool _gobbleLines;
    private int _pos;

    // Parsing and rendering recurse once per nesting level; a bound keeps a pathological template
    // ("((((..." a hundred thousand deep) from overflowing the stack, which would end the process.
    private const int MaxDepth = 200;
    private int _depth;

    private TemplateParser(string text, SourcePosition origin, bool gobbleLines, int depth = 0)
    {
        _text = text;
        _lines = new LineMap(text, origin);
        _gobbleLines = gobbleLines;
        _depth = depth;
    }

    /// <exception cref="TemplateSyntaxException">The text is not a valid template.</exception>
    public static Block Parse(string text)
    {
        var parser = new TemplateParser(text, new SourcePosition(1, 1), gobbleLines: true);
        var (block, terminator) = parser.ParseBlock();
        if (terminator is not null)
        {
            throw new TemplateSyntaxException(terminator.Position, $"#{terminator.Kind} without a matching {(terminator.Kind == "end" ? "#if or #foreach" : "#if")}");
        }

        return block;
    }

    /// <summary>A directive that ends the block being parsed: #elseif (with its condition), #else or #end.</summary>
    private sealed record Terminator(string Kind, SourcePosition Position, Expr? Condition);

    /// <summary>Parses until the end of the text or a terminator, which the caller checks.</summary>
    private (Block Block, Terminator? Terminator) ParseBlock()
    {
        Enter();
        try
        {
            return ParseBlockContents();
        }
        finally
        {
            _depth--;
        }
    }

    private (Block Block, Terminator? Terminator) ParseBlockContents()
    {
        var nodes = new List<Node>();
        var text = new StringBuilder();
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == '\\' && TryParseEscape(text))
            {
                continue;
            }

            if (c == '$')
            {
                var reference = TryParseReference(inText: true);
                if (reference is not null)
                {
                    Flush(text, nodes);
                    nodes.Add(new OutputNode(reference));
                    continue;
                }
            }

            if (c == '#' && TryParseHash(text, nodes, out var terminator))
            {
                if (terminator is not null)
                {
                    Flush(text, nodes);
                    return (new Block([.. nodes]), terminator);
                }

                continue;
            }

            text.Append(c);
            _pos++;
        }

        Flush(text, nodes);
        return (new Block([.. nodes]), null);
    }

    private static void Flush(StringBuilder text, List<Node> nodes)
    {
        if (text.Length > 0)
        {
            nodes.Add(new TextNode(text.ToString()));
            text.Clear();
        }
    }

    /// <summary>
    /// A run of backslashes before a reference or directive: each pair prints one backslash, and an odd
    /// one left over makes what follows literal (<c>\$id</c> prints <c>$id</c>). Elsewhere a backslash is text.
    /// </summary>
    private bool TryParseEscape(StringBuilder text)
    {
        var end = _pos;
        while (end < _text.Length && _text[end] == '\\')
        {
            end++;
        }

        var count = end - _pos;
        var escapesReference = end < _text.Length && _text[end] == '$' && StartsReference(end);
        var escapesDirective = end < _text.Length && _text[end] == '#' && ReadDirectiveName(end, out _, out _) is { } name && IsDirective(name);
        if (!escapesReference && !escapesDirective)
        {
            text.Append(_text, _pos, count);
            _pos = end;
            return true;
        }

        text.Append('\\', count / 2);
        _pos = end;
        if (count % 2 == 0)
        {
            return true;
        }

        if (escapesReference)
        {
            TryParseReference(inText: true);
        }
        else
        {
            ReadDirectiveName(end, out _pos, out _);
        }

        text.Append(_text, end, _pos - end);
        return true;
    }

    /// <summary>Handles <c>##</c>, <c>#* *#</c>, <c>#[[ ]]#</c> and directives. False when the '#' is plain text.</summary>
    private bool TryParseHash(StringBuilder text, List<Node> nodes, out Terminator? terminator)
    {
        terminator = null;
        var start = _pos;
        var next = start + 1 < _text.Length ? _text[start + 1] : '\0';
        switch (next)
        {
            case '#':
                ParseLineComment(text, start);
                return true;
            case '*':
                ParseBlockComment(text, start);
                return true;
            case '[' when start + 2 < _text.Length && _text[start + 2] == '[':
                var close = _text.IndexOf("]]#", start + 3, StringComparison.Ordinal);
                if (close < 0)
                {
                    throw Error(start, "#[[ is not closed with ]]#");
                }

                text.Append(_text, start + 3, close - start - 3);
                _pos = close + 3;
                return true;
        }

        var name = ReadDirectiveName(start, out var nameEnd, out _);
        if (name is null)
        {
            return false;
        }

        return ParseDirective(name, start, nameEnd, text, nodes, out terminator);
    }

    private void Enter()
    {
        if (++_depth > MaxDepth)
        {
            throw Error(_pos, $"the template nests deeper than {MaxDepth} levels");
        }
    }

    private TemplateSyntaxException Error(int offset, string message) => new(_lines.At(offset), message);

    private SourcePosition At(int offset) => _lines.At(offset);
}
