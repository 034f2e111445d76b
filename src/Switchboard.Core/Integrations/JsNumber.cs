using System.Diagnostics;
using System.Globalization;
using System.Numerics;

namespace Switchboard.Integrations;

/// <summary>
/// JavaScript's <c>Number(string)</c> and <c>String(number)</c>, exactly: the seed's Lambda reads <c>progId</c> with
/// <c>Number()</c> and sends what JavaScript prints, so clients see <c>007</c> arrive as <c>7</c> and <c>1e21</c> as
/// <c>1e+21</c>. Follows ECMAScript's StringToNumber and Number::toString (ECMA-262, sections 7.1.4.1 and 6.1.6.1.20).
/// </summary>
internal static class JsNumber
{
    /// <summary>
    /// Reads <paramref name="text"/> as <c>Number(text)</c> does: surrounding JavaScript white space is ignored, empty
    /// text is 0, <c>0x</c>/<c>0o</c>/<c>0b</c> integers (unsigned), <c>Infinity</c> with an optional sign, decimal
    /// literals with an optional sign and exponent; anything else is NaN.
    /// </summary>
    public static double Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var span = TrimJsWhiteSpace(text.AsSpan());
        if (span.IsEmpty)
        {
            return 0;
        }

        if (span.Length > 2 && span[0] == '0')
        {
            var radix = span[1] switch
            {
                'x' or 'X' => 16,
                'o' or 'O' => 8,
                'b' or 'B' => 2,
                _ => 0,
            };
            if (radix != 0)
            {
                return ParseNonDecimal(span[2..], radix);
            }
        }

        return ParseDecimal(span);
    }

    /// <summary>
    /// Prints <paramref name="value"/> as <c>String(value)</c> does: <c>NaN</c>, <c>Infinity</c>, <c>0</c> for both
    /// zeros, the shortest digits that read back as the same double, and exponent form (<c>1e+21</c>, <c>1.5e-7</c>)
    /// below 1e-6 or from 1e21 up.
    /// </summary>
    public static string Format(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (value == 0)
        {
            return "0";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        // .NET's "R" gives the shortest round-trip digits (closest to the value when several are shortest, as
        // ECMAScript requires), but lays them out its own way ("1E+21", "1.5E-07"), so only the digits and the
        // decimal point's position are taken from it.
        Span<char> roundTrip = stackalloc char[32];
        var formatted = value.TryFormat(roundTrip, out var roundTripLength, "R", CultureInfo.InvariantCulture);
        Debug.Assert(formatted, "a double's round-trip text fits in 32 characters");
        Span<char> digits = stackalloc char[24];
        var (digitCount, pointPosition) = ExtractDigits(roundTrip[..roundTripLength], digits);

        Span<char> output = stackalloc char[40];
        var length = Layout(value < 0, digits[..digitCount], pointPosition, output);
        return new string(output[..length]);
    }

    /// <summary>
    /// True when <c>Number(text)</c> is greater than 0 (so not NaN, 0 or negative; <c>Infinity</c> counts), with
    /// <paramref name="formatted"/> set to its <see cref="Format"/> text; otherwise false and an empty string.
    /// </summary>
    public static bool TryFormatPositive(string text, out string formatted)
    {
        var value = Parse(text);
        if (value > 0)
        {
            formatted = Format(value);
            return true;
        }

        formatted = "";
        return false;
    }

    private static ReadOnlySpan<char> TrimJsWhiteSpace(ReadOnlySpan<char> span)
    {
        var start = 0;
        while (start < span.Length && IsJsWhiteSpace(span[start]))
        {
            start++;
        }

        var end = span.Length;
        while (end > start && IsJsWhiteSpace(span[end - 1]))
        {
            end--;
        }

        return span[start..end];
    }

    // StrWhiteSpaceChar: WhiteSpace and LineTerminator. The Zs characters are listed rather than asked of
    // char.GetUnicodeCategory so the answer does not move with the runtime's Unicode version (U+180E left Zs in
    // Unicode 6.3, and Node no longer trims it).
    private static bool IsJsWhiteSpace(char c) => c switch
    {
        '\t' or '\n' or '\v' or '\f' or '\r' or ' ' or '\u00A0' or '\u1680' or '\u2028' or '\u2029' or '\u202F'
            or '\u205F' or '\u3000' or '\uFEFF' => true,
        >= '\u2000' and <= '\u200A' => true,
        _ => false,
    };

    private static double ParseNonDecimal(ReadOnlySpan<char> digits, int radix)
    {
        var bitsPerDigit = BitOperations.Log2((uint)radix);
        var value = BigInteger.Zero;
        var significantBits = 0;
        foreach (var c in digits)
        {
            var digit = DigitValue(c);
            if (digit >= radix)
            {
                return double.NaN;
            }

            if (significantBits == 0 && digit == 0)
            {
                continue;
            }

            // 2^1024 and above round to Infinity; stop growing the number but keep checking the digits.
            significantBits = significantBits == 0 ? 32 - BitOperations.LeadingZeroCount((uint)digit) : significantBits + bitsPerDigit;
            if (significantBits <= 1025)
            {
                value = (value << bitsPerDigit) | digit;
            }
        }

        if (significantBits > 1024)
        {
            return double.PositiveInfinity;
        }

        // The decimal text of the exact integer, read by .NET's correctly rounding parser, rounds half to even as
        // ECMAScript asks (Number("0x20000000000001") is 9007199254740992).
        return double.Parse(value.ToString(CultureInfo.InvariantCulture), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    private static int DigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'z' => c - 'a' + 10,
        >= 'A' and <= 'Z' => c - 'A' + 10,
        _ => int.MaxValue,
    };

    private static double ParseDecimal(ReadOnlySpan<char> span)
    {
        var negative = span[0] == '-';
        var unsigned = span[0] is '-' or '+' ? span[1..] : span;
        if (unsigned.SequenceEqual("Infinity"))
        {
            return negative ? double.NegativeInfinity : double.PositiveInfinity;
        }

        // StrUnsignedDecimalLiteral, checked here because .NET's parser accepts more (group separators, "NaN",
        // "∞", white space inside) and must only see text JavaScript would read.
        var i = 0;
        var integerDigits = CountAsciiDigits(unsigned);
        i += integerDigits;
        var fractionDigits = 0;
        if (i < unsigned.Length && unsigned[i] == '.')
        {
            i++;
            fractionDigits = CountAsciiDigits(unsigned[i..]);
            i += fractionDigits;
        }

        if (integerDigits + fractionDigits == 0)
        {
            return double.NaN;
        }

        if (i < unsigned.Length && unsigned[i] is 'e' or 'E')
        {
            i++;
            if (i < unsigned.Length && unsigned[i] is '+' or '-')
            {
                i++;
            }

            var exponentDigits = CountAsciiDigits(unsigned[i..]);
            if (exponentDigits == 0)
            {
                return double.NaN;
            }

            i += exponentDigits;
        }

        if (i != unsigned.Length)
        {
            return double.NaN;
        }

        return double.Parse(
            span,
            NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
            CultureInfo.InvariantCulture);
    }

    private static int CountAsciiDigits(ReadOnlySpan<char> span)
    {
        var count = 0;
        while (count < span.Length && char.IsAsciiDigit(span[count]))
        {
            count++;
        }

        return count;
    }

    /// <summary>
    /// Takes .NET's round-trip text apart into significant digits (no leading or trailing zeros) and the position of
    /// the decimal point relative to them: ECMAScript's k and n, where the value is 0.DIGITS × 10^n.
    /// </summary>
    private static (int DigitCount, int PointPosition) ExtractDigits(ReadOnlySpan<char> roundTrip, Span<char> digits)
    {
        var count = 0;
        var pointPosition = 0;
        var seenPoint = false;
        var i = 0;
        for (; i < roundTrip.Length; i++)
        {
            var c = roundTrip[i];
            if (c == '.')
            {
                seenPoint = true;
            }
            else if (c is 'E' or 'e')
            {
                break;
            }
            else if (char.IsAsciiDigit(c))
            {
                if (count == 0 && c == '0')
                {
                    // A leading zero after the point moves the point left of the first significant digit.
                    if (seenPoint)
                    {
                        pointPosition--;
                    }

                    continue;
                }

                digits[count++] = c;
                if (!seenPoint)
                {
                    pointPosition++;
                }
            }
        }

        if (i < roundTrip.Length)
        {
            pointPosition += int.Parse(roundTrip[(i + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }

        while (count > 1 && digits[count - 1] == '0')
        {
            count--;
        }

        return (count, pointPosition);
    }

    // Number::toString steps 5 to 10, with k = digits.Length and n = pointPosition.
    private static int Layout(bool negative, ReadOnlySpan<char> digits, int n, Span<char> output)
    {
        var k = digits.Length;
        var length = 0;
        if (negative)
        {
            output[length++] = '-';
        }

        if (k <= n && n <= 21)
        {
            digits.CopyTo(output[length..]);
            length += k;
            output.Slice(length, n - k).Fill('0');
            return length + n - k;
        }

        if (0 < n && n <= 21)
        {
            digits[..n].CopyTo(output[length..]);
            length += n;
            output[length++] = '.';
            digits[n..].CopyTo(output[length..]);
            return length + k - n;
        }

        if (-6 < n && n <= 0)
        {
            output[length++] = '0';
            output[length++] = '.';
            output.Slice(length, -n).Fill('0');
            length += -n;
            digits.CopyTo(output[length..]);
            return length + k;
        }

        output[length++] = digits[0];
        if (k > 1)
        {
            output[length++] = '.';
            digits[1..].CopyTo(output[length..]);
            length += k - 1;
        }

        var exponent = n - 1;
        output[length++] = 'e';
        output[length++] = exponent < 0 ? '-' : '+';
        Math.Abs(exponent).TryFormat(output[length..], out var exponentLength, default, CultureInfo.InvariantCulture);
        return length + exponentLength;
    }
}
