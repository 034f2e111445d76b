namespace Switchboard.Templates;

/// <summary>References: <c>$a.b(c)[0]</c>, <c>$!a</c>, <c>${a}</c>.</summary>
internal sealed partial class TemplateParser
{
    /// <summary>True when the '$' at <paramref name="offset"/> starts a reference rather than literal text such as "$5".</summary>
    private bool StartsReference(int offset)
    {
        var p = offset + 1;
        if (p < _text.Length && _text[p] == '!')
        {
            p++;
        }

        if (p < _text.Length && _text[p] == '{')
        {
            p++;
        }

        return p < _text.Length && IsIdentifierStart(_text[p]);
    }

    /// <summary>
    /// Parses the reference at the current '$'; null (position unchanged) when none starts here.
    /// In text, a '[' that does not make a valid index is left as text ("$name[note]"); inside an
    /// expression it is an error.
    /// </summary>
    private Expr? TryParseReference(bool inText)
    {
        var start = _pos;
        if (!StartsReference(start))
        {
            return null;
        }

        _pos++;
        if (_text[_pos] == '!')
        {
            _pos++;
        }

        var braced = _text[_pos] == '{';
        if (braced)
        {
            _pos++;
        }

        Expr reference = new VariableExpr(At(start), ReadIdentifier());
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == '.' && _pos + 1 < _text.Length && IsIdentifierStart(_text[_pos + 1]))
            {
                _pos++;
                var memberStart = _pos;
                var member = ReadIdentifier();
                reference = _pos < _text.Length && _text[_pos] == '('
                    ? MethodCall(At(memberStart), reference, member, ParseArguments())
                    : new PropertyExpr(At(memberStart), reference, member);
            }
            else if (c == '[' && (TryParseIndex(reference, inText) is { } indexed))
            {
                reference = indexed;
            }
            else
            {
                break;
            }
        }

        if (braced)
        {
            if (_pos >= _text.Length || _text[_pos] != '}')
            {
                throw Error(_pos, $"expected '}}' to close the reference that starts with '${{' at column {At(start).Column}");
            }

            _pos++;
        }

        return reference;
    }

    private IndexExpr? TryParseIndex(Expr target, bool inText)
    {
        var start = _pos;
        try
        {
            _pos++;
            var index = ParseExpression();
            Expect(']', "']' to close the index");
            return new IndexExpr(At(start), target, index);
        }
        catch (TemplateSyntaxException) when (inText)
        {
            _pos = start;
            return null;
        }
    }

    private string ReadIdentifier()
    {
        var start = _pos;
        while (_pos < _text.Length && IsIdentifierPart(_text[_pos]))
        {
            _pos++;
        }

        return _text[start.._pos];
    }

    /// <summary>A method call; a literal regex argument is compiled now so a bad pattern is a compile error.</summary>
    private MethodCallExpr MethodCall(SourcePosition position, Expr target, string name, Expr[] args)
    {
        if (!JavaRegex.PatternMethods.Contains(name) || args.Length == 0 || args[0] is not LiteralExpr { Value: string pattern })
        {
            return new MethodCallExpr(position, target, name, args);
        }

        System.Text.RegularExpressions.Regex regex;
        try
        {
            regex = JavaRegex.Create(pattern, wholeMatch: name == "matches");
        }
        catch (ArgumentException ex)
        {
            throw new TemplateSyntaxException(args[0].Position, $"invalid regular expression '{pattern}' in {name}(): {ex.Message}");
        }

        var replacement = args.Length == 2 && args[1] is LiteralExpr { Value: string literal }
            ? JavaRegex.ConvertReplacement(literal)
            : null;
        return new MethodCallExpr(position, target, name, args) { LiteralPattern = regex, LiteralReplacement = replacement };
    }
}
