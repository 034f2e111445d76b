using System.Buffers;
using System.Globalization;
using System.Text;

namespace Switchboard.Routing;

/// <summary>
/// Unescapes a JSON string the way a JavaScript backend would see it once encoded as UTF-8: a lone surrogate escape
/// (<c>\ud800</c>), which JSON allows but UTF-8 cannot hold, becomes U+FFFD. Only used when the strict unescaping of
/// <see cref="System.Text.Json.Utf8JsonReader.CopyString(Span{byte})"/> refuses the value; the escapes were already
/// checked by the reader.
/// </summary>
internal static class JsonEscapes
{
    public static byte[] UnescapeLenient(ReadOnlySpan<byte> escaped)
    {
        var output = new ArrayBufferWriter<byte>(escaped.Length);
        Span<byte> utf8 = stackalloc byte[4];
        var i = 0;
        while (i < escaped.Length)
        {
            var b = escaped[i];
            if (b != (byte)'\\')
            {
                output.Write(escaped.Slice(i, 1));
                i++;
                continue;
            }

            var kind = escaped[i + 1];
            i += 2;
            if (kind != (byte)'u')
            {
                output.Write([kind switch
                {
                    (byte)'b' => (byte)'\b',
                    (byte)'f' => (byte)'\f',
                    (byte)'n' => (byte)'\n',
                    (byte)'r' => (byte)'\r',
                    (byte)'t' => (byte)'\t',
                    _ => kind, // " \ /
                }]);
                continue;
            }

            var unit = ReadHex(escaped.Slice(i, 4));
            i += 4;
            var rune = new Rune(0xFFFD);
            if (char.IsHighSurrogate((char)unit)
                && i + 6 <= escaped.Length && escaped[i] == (byte)'\\' && escaped[i + 1] == (byte)'u'
                && char.IsLowSurrogate((char)ReadHex(escaped.Slice(i + 2, 4))))
            {
                rune = new Rune((char)unit, (char)ReadHex(escaped.Slice(i + 2, 4)));
                i += 6;
            }
            else if (!char.IsSurrogate((char)unit))
            {
                rune = new Rune(unit);
            }

            var length = rune.EncodeToUtf8(utf8);
            output.Write(utf8[..length]);
        }

        return output.WrittenSpan.ToArray();
    }

    private static int ReadHex(ReadOnlySpan<byte> hex) =>
        int.Parse(Encoding.ASCII.GetString(hex), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
