using System.Globalization;
using System.Text;

namespace Switchboard.Templates;

/// <summary>
/// <c>$util.escapeJavaScript</c>, matching Apache commons-lang 2's StringEscapeUtils.escapeJavaScript,
/// which API Gateway runs: <c>' " \ /</c> get a backslash, control characters their short escapes or
/// <c>\u00XX</c>, and every non-ASCII UTF-16 unit <c>\uXXXX</c> in upper-case hex. The escaped single
/// quote is not valid JSON; templates undo it with <c>.replaceAll("\\'", "'")</c>.
/// </summary>
internal static class JavaScriptEscaper
{
    public static string Escape(string text)
    {
        var i = 0;
        while (i < text.Length && !NeedsEscape(text[i]))
        {
            i++;
        }

        if (i == text.Length)
        {
            return text;
        }

        var result = new StringBuilder(text.Length + 16).Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\'': result.Append("\\'"); break;
                case '"': result.Append("\\\""); break;
                case '\\': result.Append("\\\\"); break;
                case '/': result.Append("\\/"); break;
                case '\b': result.Append("\\b"); break;
                case '\n': result.Append("\\n"); break;
                case '\t': result.Append("\\t"); break;
                case '\f': result.Append("\\f"); break;
                case '\r': result.Append("\\r"); break;
                default:
                    if (c < 0x20 || c > 0x7f)
                    {
                        result.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        result.Append(c);
                    }

                    break;
            }
        }

        return result.ToString();
    }

    private static bool NeedsEscape(char c) => c < 0x20 || c > 0x7f || c is '\'' or '"' or '\\' or '/';
}
