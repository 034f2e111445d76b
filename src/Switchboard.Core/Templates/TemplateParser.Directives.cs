using System.Text;

namespace Switchboard.Templates;

/// <summary>Directives: #if/#elseif/#else, #foreach, #set, #break and #end.</summary>
internal sealed partial class TemplateParser
{
    private static readonly HashSet<string> Supported = new(StringComparer.Ordinal)
    {
        "if", "elseif", "else", "end", "foreach", "set", "break",
    };

    // Velocity directives this engine leaves out; naming them gives a clear error instead of stray text.
    private static readonly HashSet<string> Unsupported = new(StringComparer.Ordinal)
    {
        "stop", "macro", "parse", "include", "evaluate", "define",
    };

    private static bool IsDirective(string name) => Supported.Contains(name) || Unsupported.Contains(name);

    /// <summary>Reads <c>#name</c> or <c>#{name}</c> at <paramref name="start"/>; null when no name follows the '#'.</summary>
    private string? ReadDirectiveName(int start, out int end, out bool braced)
    {
        var p = start + 1;
        braced = p < _text.Length && _text[p] == '{';
        if (braced)
        {
            p++;
        }

        end = start;
        if (p >= _text.Length || !char.IsAsciiLetter(_text[p]))
        {
            return null;
        }

        var nameStart = p;
        while (p < _text.Length && IsIdentifierPart(_text[p]))
        {
            p++;
        }

        var name = _text[nameStart..p];
        if (braced)
        {
            if (p >= _text.Length || _text[p] != '}')
            {
                return null;
            }

            p++;
        }

        end = p;
        return name;
    }

    private bool ParseDirective(string name, int start, int nameEnd, StringBuilder text, List<Node> nodes, out Terminator? terminator)
    {
        terminator = null;
        var hasArguments = NextNonBlank(nameEnd) is var paren && paren < _text.Length && _text[paren] == '(';
        if (!Supported.Contains(name))
        {
            if (Unsupported.Contains(name) && (hasArguments || name == "stop"))
            {
                throw Error(start, $"#{name} is not supported in mapping templates");
            }

            if (hasArguments)
            {
                throw Error(start, $"unknown directive #{name}; expected #if, #elseif, #else, #end, #foreach, #set or #break");
            }

            // "#hashtag", "#fff": a '#' that starts no directive is text.
            return false;
        }

        var blank = IsLineBlankBefore(start, out var indent);
        var position = At(start);
        _pos = nameEnd;
        switch (name)
        {
            case "else" or "end":
                GobbleLine(text, blank, indent);
                terminator = new Terminator(name, position, null);
                return true;
            case "elseif":
                var condition = ParseCondition(name, start, paren, hasArguments);
                GobbleLine(text, blank, indent);
                terminator = new Terminator(name, position, condition);
                return true;
            case "break":
                GobbleLine(text, blank, indent);
                Flush(text, nodes);
                nodes.Add(new BreakNode());
                return true;
            case "set":
                var set = ParseSet(start, paren, hasArguments);
                GobbleLine(text, blank, indent);
                Flush(text, nodes);
                nodes.Add(set);
                return true;
            case "if":
                var ifCondition = ParseCondition(name, start, paren, hasArguments);
                GobbleLine(text, blank, indent);
                Flush(text, nodes);
                nodes.Add(ParseIfBody(position, ifCondition));
                return true;
            default:
                var (variable, items) = ParseForeachHeader(start, paren, hasArguments);
                GobbleLine(text, blank, indent);
                Flush(text, nodes);
                nodes.Add(ParseForeachBody(position, variable, items));
                return true;
        }
    }

    private IfNode ParseIfBody(SourcePosition ifPosition, Expr condition)
    {
        var branches = new List<(Expr, Block)>();
        while (true)
        {
            var (body, terminator) = ParseBlock();
            branches.Add((condition, body));
            switch (terminator?.Kind)
            {
                case null:
                    throw NotClosed("#if", ifPosition);
                case "elseif":
                    condition = terminator.Condition!;
                    continue;
                case "end":
                    return new IfNode([.. branches], Block.Empty);
            }

            // #else: what follows must end with #end.
            var (elseBody, end) = ParseBlock();
            return end?.Kind switch
            {
                "end" => new IfNode([.. branches], elseBody),
                null => throw NotClosed("#if", ifPosition),
                _ => throw new TemplateSyntaxException(end.Position, $"#{end.Kind} after #else; the #else must come last"),
            };
        }
    }

    private ForeachNode ParseForeachBody(SourcePosition position, string variable, Expr items)
    {
        var (body, terminator) = ParseBlock();
        return terminator?.Kind switch
        {
            "end" => new ForeachNode(position, variable, items, body),
            null => throw NotClosed("#foreach", position),
            _ => throw new TemplateSyntaxException(terminator.Position, $"#{terminator.Kind} without a matching #if"),
        };
    }

    private static TemplateSyntaxException NotClosed(string directive, SourcePosition position) =>
        new(position, $"{directive} is not closed with #end");

    private Expr ParseCondition(string name, int start, int paren, bool hasArguments)
    {
        ExpectArguments(name, start, paren, hasArguments);
        var condition = ParseExpression();
        Expect(')', $"')' to close #{name}(");
        return condition;
    }

    private SetNode ParseSet(int start, int paren, bool hasArguments)
    {
        ExpectArguments("set", start, paren, hasArguments);
        SkipSpace();
        var targetStart = _pos;
        var target = _pos < _text.Length && _text[_pos] == '$' ? TryParseReference(inText: false) : null;
        if (target is not (VariableExpr or PropertyExpr or IndexExpr))
        {
            throw Error(targetStart, "#set needs a reference to assign, as in #set($name = value)");
        }

        Expect('=', "'=' in #set");
        var value = ParseExpression();
        Expect(')', "')' to close #set(");
        return new SetNode(target, value);
    }

    private (string Variable, Expr Items) ParseForeachHeader(int start, int paren, bool hasArguments)
    {
        ExpectArguments("foreach", start, paren, hasArguments);
        SkipSpace();
        var variableStart = _pos;
        if (TryParseReference(inText: false) is not VariableExpr variable)
        {
            throw Error(variableStart, "#foreach needs a loop variable, as in #foreach($item in $list)");
        }

        SkipSpace();
        if (!TryWord("in"))
        {
            throw Error(_pos, "expected 'in' after the #foreach loop variable");
        }

        var items = ParseExpression();
        Expect(')', "')' to close #foreach(");
        return (variable.Name, items);
    }

    private void ExpectArguments(string name, int start, int paren, bool hasArguments)
    {
        if (!hasArguments)
        {
            throw Error(start, $"#{name} needs its arguments in parentheses, as in #{name}(...)");
        }

        _pos = paren + 1;
    }

    private int NextNonBlank(int offset)
    {
        while (offset < _text.Length && _text[offset] is ' ' or '\t')
        {
            offset++;
        }

        return offset;
    }
}
