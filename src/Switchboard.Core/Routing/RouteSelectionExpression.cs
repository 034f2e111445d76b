using System.Text;

namespace Switchboard.Routing;

/// <summary>
/// A route selection expression as API Gateway evaluates it: <c>$request.body.PATH</c>, templates such as
/// <c>${request.body.service}/${request.body.action}</c>, static text, and <c>\$</c> for a literal dollar.
/// A path that is not found evaluates to the empty string; a message that is not JSON cannot be evaluated at all.
/// </summary>
public sealed class RouteSelectionExpression
{
    private readonly object[] _parts; // string literals and JsonBodyPath variables, in order

    private RouteSelectionExpression(string text, object[] parts)
    {
        Text = text;
        _parts = parts;
        SinglePath = parts is [JsonBodyPath only] ? only : null;
    }

    public string Text { get; }

    /// <summary>The path when the expression is exactly one variable (the common case, evaluated without a string).</summary>
    public JsonBodyPath? SinglePath { get; }

    public static bool TryParse(string text, out RouteSelectionExpression expression, out string error)
    {
        expression = null!;
        var parts = new List<object>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length && text[i + 1] == '$')
            {
                literal.Append('$');
                i += 2;
                continue;
            }

            if (c != '$')
            {
                literal.Append(c);
                i++;
                continue;
            }

            string variable;
            if (i + 1 < text.Length && text[i + 1] == '{')
            {
                var close = text.IndexOf('}', i + 2);
                if (close < 0)
                {
                    error = $"'{text}': '${{' at position {i} has no closing '}}'";
                    return false;
                }

                variable = text[(i + 2)..close];
                i = close + 1;
            }
            else
            {
                var end = i + 1;
                while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '.' or '_' or '-'))
                {
                    end++;
                }

                variable = text[(i + 1)..end];
                i = end;
            }

            const string BodyPrefix = "request.body.";
            if (!variable.StartsWith(BodyPrefix, StringComparison.Ordinal))
            {
                error = $"'{text}': unsupported variable '${variable}'; expected $request.body.NAME or ${{request.body.NAME}} (write \\$ for a literal $)";
                return false;
            }

            if (!JsonBodyPath.TryParseSegments("$" + variable, variable[BodyPrefix.Length..], out var path, out error))
            {
                error = $"'{text}': {error}";
                return false;
            }

            if (literal.Length > 0)
            {
                parts.Add(literal.ToString());
                literal.Clear();
            }

            parts.Add(path);
        }

        if (literal.Length > 0 || parts.Count == 0)
        {
            parts.Add(literal.ToString());
        }

        expression = new RouteSelectionExpression(text, [.. parts]);
        error = "";
        return true;
    }

    /// <summary>
    /// Evaluates the expression against a message. False when it cannot be evaluated (the message is not JSON and the
    /// expression has variables); the message then goes to <c>$default</c>.
    /// </summary>
    public bool TryEvaluate(ReadOnlySpan<byte> message, out string value)
    {
        var text = new StringBuilder();
        foreach (var part in _parts)
        {
            if (part is string literal)
            {
                text.Append(literal);
                continue;
            }

            var lookup = JsonBody.Find(message, (JsonBodyPath)part);
            if (lookup.Status == JsonLookupStatus.NotJson)
            {
                value = "";
                return false;
            }

            if (lookup.Found)
            {
                text.Append(Encoding.UTF8.GetString(lookup.Value(message)));
            }
        }

        value = text.ToString();
        return true;
    }

    public override string ToString() => Text;
}
