using System.Text;

namespace Switchboard.Templates;

/// <summary>
/// <c>$util.urlEncode</c> and <c>$util.urlDecode</c> as Java's URLEncoder and URLDecoder with UTF-8
/// (application/x-www-form-urlencoded): letters, digits and <c>. - * _</c> stay, a space becomes
/// <c>+</c>, everything else is <c>%XX</c> of its UTF-8 bytes in upper case.
/// </summary>
internal static class FormUrlEncoding
{
    public static string Encode(string text)
    {
        var result = new StringBuilder(text.Length + 8);
        Span<byte> bytes = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '*' or '_')
            {
                result.Append(c);
            }
            else if (c == ' ')
            {
                result.Append('+');
            }
            else
            {
                var length = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                    ? 2
                    : 1;
                var count = Encoding.UTF8.GetBytes(text.AsSpan(i, length), bytes);
                for (var b = 0; b < count; b++)
                {
                    result.Append('%').Append(Hex[bytes[b] >> 4]).Append(Hex[bytes[b] & 0xF]);
                }

                i += length - 1;
            }
        }

        return result.ToString();
    }

    /// <exception cref="TemplateRenderException">A <c>%</c> is not followed by two hex digits.</exception>
    public static string Decode(string text)
    {
        if (!text.Contains('%', StringComparison.Ordinal) && !text.Contains('+', StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var pending = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%')
            {
                if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2]))
                {
                    throw new TemplateRenderException($"$util.urlDecode: incomplete or invalid escape at position {i} of '{text}'");
                }

                pending.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
                continue;
            }

            Flush(result, pending);
            result.Append(c == '+' ? ' ' : c);
        }

        Flush(result, pending);
        return result.ToString();
    }

    // Consecutive %XX escapes form one UTF-8 sequence, so they are decoded together.
    private static void Flush(StringBuilder result, List<byte> pending)
    {
        if (pending.Count > 0)
        {
            result.Append(Encoding.UTF8.GetString([.. pending]));
            pending.Clear();
        }
    }

    private const string Hex = "0123456789ABCDEF";
}
