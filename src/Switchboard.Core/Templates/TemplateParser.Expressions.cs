namespace Switchboard.Templates;

/// <summary>
/// Expressions inside directives and method arguments. Precedence from loosest to tightest:
/// <c>|| or</c>, <c>&amp;&amp; and</c>, <c>== != eq ne</c>, <c>&lt; &lt;= &gt; &gt;= lt le gt ge</c>,
/// <c>+ -</c>, <c>* / %</c>, unary <c>! not -</c>.
/// </summary>
internal sealed partial class TemplateParser
{
    private Expr ParseExpression()
    {
        Enter();
        try
        {
            return ParseOr();
        }
        finally
        {
            _depth--;
        }
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (SkipSpace() is var start && (TryOperator("||") || TryWord("or")))
        {
            left = new LogicalExpr(At(start), isAnd: false, left, ParseAnd());
        }

        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseEquality();
        while (SkipSpace() is var start && (TryOperator("&&") || TryWord("and")))
        {
            left = new LogicalExpr(At(start), isAnd: true, left, ParseEquality());
        }

        return left;
    }

    private Expr ParseEquality()
    {
        var left = ParseRelational();
        while (SkipSpace() is var start && ReadOperator(("==", "=="), ("!=", "!="), ("eq", "=="), ("ne", "!=")) is { } op)
        {
            left = new BinaryExpr(At(start), op, left, ParseRelational());
        }

        return left;
    }

    private Expr ParseRelational()
    {
        var left = ParseAdditive();
        while (SkipSpace() is var start
            && ReadOperator(("<=", "<="), (">=", ">="), ("<", "<"), (">", ">"), ("le", "<="), ("ge", ">="), ("lt", "<"), ("gt", ">")) is { } op)
        {
            left = new BinaryExpr(At(start), op, left, ParseAdditive());
        }

        return left;
    }

    private Expr ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (SkipSpace() is var start && ReadOperator(("+", "+"), ("-", "-")) is { } op)
        {
            left = new BinaryExpr(At(start), op, left, ParseMultiplicative());
        }

        return left;
    }

    private Expr ParseMultiplicative()
    {
        var left = ParseUnary();
        while (SkipSpace() is var start && ReadOperator(("*", "*"), ("/", "/"), ("%", "%")) is { } op)
        {
            left = new BinaryExpr(At(start), op, left, ParseUnary());
        }

        return left;
    }

    private Expr ParseUnary()
    {
        var start = SkipSpace();
        if (TryOperator("!") || TryWord("not"))
        {
            return new NotExpr(At(start), ParseUnaryOperand());
        }

        if (TryOperator("-"))
        {
            var operand = ParseUnaryOperand();
            return operand is LiteralExpr { Value: long value }
                ? new LiteralExpr(At(start), -value)
                : new NegateExpr(At(start), operand);
        }

        return ParsePrimary();
    }

    private Expr ParseUnaryOperand()
    {
        Enter();
        try
        {
            return ParseUnary();
        }
        finally
        {
            _depth--;
        }
    }

    private Expr ParsePrimary()
    {
        var start = SkipSpace();
        if (start >= _text.Length)
        {
            throw Error(start, "unexpected end of template in an expression");
        }

        var c = _text[start];
        switch (c)
        {
            case '$':
                return TryParseReference(inText: false) ?? throw Error(start, "expected a name after '$'");
            case '\'' or '"':
                return ParseString();
            case '(':
                _pos++;
                var inner = ParseExpression();
                Expect(')', "')'");
                return inner;
            case '[':
                return ParseListOrRange();
            case '{':
                return ParseMap();
        }

        if (char.IsAsciiDigit(c))
        {
            return ParseNumber();
        }

        if (TryWord("true"))
        {
            return new LiteralExpr(At(start), true);
        }

        if (TryWord("false"))
        {
            return new LiteralExpr(At(start), false);
        }

        throw Error(start, $"unexpected '{c}' in an expression; expected a $reference, a string, a number, true, false, [list] or {{map}}");
    }

    private Expr[] ParseArguments()
    {
        _pos++; // '('
        var args = new List<Expr>();
        if (SkipSpace() < _text.Length && _text[_pos] == ')')
        {
            _pos++;
            return [];
        }

        while (true)
        {
            args.Add(ParseExpression());
            SkipSpace();
            if (_pos < _text.Length && _text[_pos] == ',')
            {
                _pos++;
                continue;
            }

            Expect(')', "',' or ')' in the argument list");
            return [.. args];
        }
    }

    /// <summary>Skips blanks and newlines; returns the new position.</summary>
    private int SkipSpace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
        {
            _pos++;
        }

        return _pos;
    }

    private void Expect(char c, string what)
    {
        if (SkipSpace() >= _text.Length)
        {
            throw Error(_pos, $"unexpected end of template, expected {what}");
        }

        if (_text[_pos] != c)
        {
            throw Error(_pos, $"unexpected '{_text[_pos]}', expected {what}");
        }

        _pos++;
    }

    private bool TryOperator(string op)
    {
        if (string.CompareOrdinal(_text, _pos, op, 0, op.Length) != 0)
        {
            return false;
        }

        // "=" alone is not "==", and "!" must not swallow "!=".
        var after = _pos + op.Length < _text.Length ? _text[_pos + op.Length] : '\0';
        if ((op is "!" or "<" or ">") && after == '=')
        {
            return false;
        }

        _pos += op.Length;
        return true;
    }

    private bool TryWord(string word)
    {
        var end = _pos + word.Length;
        if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) != 0 || (end < _text.Length && IsIdentifierPart(_text[end])))
        {
            return false;
        }

        _pos = end;
        return true;
    }

    private string? ReadOperator(params ReadOnlySpan<(string Token, string Op)> candidates)
    {
        foreach (var (token, op) in candidates)
        {
            if (char.IsAsciiLetter(token[0]) ? TryWord(token) : TryOperator(token))
            {
                return op;
            }
        }

        return null;
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
