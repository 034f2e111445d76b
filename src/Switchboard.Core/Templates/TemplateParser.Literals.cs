using System.Globalization;
using System.Text;

namespace Switchboard.Templates;

/// <summary>Literals: numbers, strings, <c>[lists]</c>, <c>[ranges..]</c> and <c>{maps}</c>.</summary>
internal sealed partial class TemplateParser
{
    private LiteralExpr ParseNumber()
    {
        var start = _pos;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
        {
            _pos++;
        }

        // "1.5" is a number but "1..5" is a range.
        if (_pos + 1 < _text.Length && _text[_pos] == '.' && char.IsAsciiDigit(_text[_pos + 1]))
        {
            _pos++;
            while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
            {
                _pos++;
            }

            return new LiteralExpr(At(start), double.Parse(_text.AsSpan(start, _pos - start), CultureInfo.InvariantCulture));
        }

        return long.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? new LiteralExpr(At(start), value)
            : throw Error(start, "integer literal is too large");
    }

    private Expr ParseListOrRange()
    {
        var start = _pos++;
        if (SkipSpace() < _text.Length && _text[_pos] == ']')
        {
            _pos++;
            return new ListExpr(At(start), []);
        }

        var first = ParseExpression();
        SkipSpace();
        if (TryOperator(".."))
        {
            var last = ParseExpression();
            Expect(']', "']' to close the range");
            return new RangeExpr(At(start), first, last);
        }

        var items = new List<Expr> { first };
        while (SkipSpace() < _text.Length && _text[_pos] == ',')
        {
            _pos++;
            items.Add(ParseExpression());
        }

        Expect(']', "',' or ']' in the list");
        return new ListExpr(At(start), [.. items]);
    }

    private MapExpr ParseMap()
    {
        var start = _pos++;
        var entries = new List<(Expr, Expr)>();
        if (SkipSpace() < _text.Length && _text[_pos] == '}')
        {
            _pos++;
            return new MapExpr(At(start), []);
        }

        while (true)
        {
            var key = ParseExpression();
            Expect(':', "':' after a map key");
            entries.Add((key, ParseExpression()));
            SkipSpace();
            if (_pos < _text.Length && _text[_pos] == ',')
            {
                _pos++;
                continue;
            }

            Expect('}', "',' or '}' in the map");
            return new MapExpr(At(start), [.. entries]);
        }
    }

    /// <summary>
    /// A string literal. As in Velocity, a backslash is kept as written (<c>"\\'"</c> is three characters,
    /// the regex for a backslash and a quote); it only stops <c>\"</c> from ending a double-quoted string.
    /// A doubled quote stands for one. Double-quoted strings interpolate references and directives.
    /// </summary>
    private Expr ParseString()
    {
        var start = _pos;
        var quote = _text[_pos++];
        var content = new StringBuilder();
        var contentStart = _pos;
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error(start, $"string starting with {quote} is not closed");
            }

            var c = _text[_pos];
            if (c == '\\' && quote == '"' && _pos + 1 < _text.Length)
            {
                content.Append(c).Append(_text[_pos + 1]);
                _pos += 2;
            }
            else if (c == quote && _pos + 1 < _text.Length && _text[_pos + 1] == quote)
            {
                content.Append(quote);
                _pos += 2;
            }
            else if (c == quote)
            {
                _pos++;
                break;
            }
            else
            {
                content.Append(c);
                _pos++;
            }
        }

        var value = content.ToString();
        if (quote == '\'' || (!value.Contains('$', StringComparison.Ordinal) && !value.Contains('#', StringComparison.Ordinal)))
        {
            return new LiteralExpr(At(start), value);
        }

        var parser = new TemplateParser(value, At(contentStart), gobbleLines: false, _depth);
        var (parts, terminator) = parser.ParseBlock();
        if (terminator is not null)
        {
            throw new TemplateSyntaxException(terminator.Position, $"#{terminator.Kind} without a matching directive in the string");
        }

        return parts.Nodes switch
        {
            [] => new LiteralExpr(At(start), ""),
            [TextNode text] => new LiteralExpr(At(start), text.Text),
            _ => new InterpolatedStringExpr(At(start), parts),
        };
    }
}
