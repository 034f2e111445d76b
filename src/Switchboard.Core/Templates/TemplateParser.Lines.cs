using System.Text;

namespace Switchboard.Templates;

/// <summary>
/// Comments and line gobbling: a line holding only a directive or comment renders nothing, so a
/// template can be indented for people and still produce tidy JSON.
/// </summary>
internal sealed partial class TemplateParser
{
    // A line comment takes its newline with it, as in Velocity; on an otherwise blank line the indent goes too.
    private void ParseLineComment(StringBuilder text, int start)
    {
        var blank = IsLineBlankBefore(start, out var indent);
        var newline = _text.IndexOf('\n', start);
        _pos = newline < 0 ? _text.Length : newline + 1;
        if (blank)
        {
            text.Length -= Math.Min(indent, text.Length);
        }
    }

    private void ParseBlockComment(StringBuilder text, int start)
    {
        var blank = IsLineBlankBefore(start, out var indent);
        var close = _text.IndexOf("*#", start + 2, StringComparison.Ordinal);
        if (close < 0)
        {
            throw Error(start, "#* comment is not closed with *#");
        }

        _pos = close + 2;
        GobbleLine(text, blank, indent);
    }

    /// <summary>True when only spaces and tabs stand between the start of the line and <paramref name="offset"/>.</summary>
    private bool IsLineBlankBefore(int offset, out int indent)
    {
        var p = offset;
        while (p > 0 && _text[p - 1] is ' ' or '\t')
        {
            p--;
        }

        indent = offset - p;
        return _gobbleLines && (p == 0 || _text[p - 1] == '\n');
    }

    /// <summary>
    /// After a directive or comment: when it stood alone on its line, drop the line's indent (already in
    /// <paramref name="text"/>) and its trailing blanks and newline, so directive lines leave no trace.
    /// </summary>
    private void GobbleLine(StringBuilder text, bool blankBefore, int indent)
    {
        if (!blankBefore)
        {
            return;
        }

        var p = _pos;
        while (p < _text.Length && _text[p] is ' ' or '\t')
        {
            p++;
        }

        if (p < _text.Length && _text[p] == '\r' && p + 1 < _text.Length && _text[p + 1] == '\n')
        {
            p++;
        }

        if (p < _text.Length && _text[p] != '\n')
        {
            return;
        }

        _pos = Math.Min(p + 1, _text.Length);
        text.Length -= Math.Min(indent, text.Length);
    }
}
