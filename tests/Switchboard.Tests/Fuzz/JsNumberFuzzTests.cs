using System.Globalization;
using System.Text;
using Switchboard.Integrations;

namespace Switchboard.Tests.Fuzz;

/// <summary>
/// Random <c>progId</c> texts (digits, signs, dots, exponents, radix prefixes, ASCII and Unicode white space, Infinity,
/// very long) into the JavaScript-number reader: nothing throws, and a positive result prints as a positive number.
/// </summary>
public sealed class JsNumberFuzzTests
{
    private const int Seed = 0x5EED_0004;
    private const int Cases = 20000;

    private static readonly string[] Pieces =
    [
        "0", "1", "7", "9", "00", "123", "-", "+", ".", "e", "E", "e+", "e-", "0x", "0X", "0o", "0O", "0b", "0B", "x", "o", "b",
        "f", "F", "Z", "Infinity", "infinity", "NaN", "_", ",", " ", "\t", "\n", "\u00a0", "\u1680", "\u2000", "\u200a",
        "\u2028", "\u202f", "\u3000", "\ufeff", "\u180e", "\u200b", "\u0660", "\uff11", "\ud800", "\ud83d\ude00", "\u0000", "∞",
        "1e308", "1e-324", "5e-324", "9007199254740993", "1.7976931348623159e308",
    ];

    [Fact]
    public void RandomTexts_NeverThrow_AndPositiveResultsPrintAsPositiveNumbers()
    {
        var random = new Random(Seed);
        var positives = 0;
        for (var index = 0; index < Cases; index++)
        {
            var text = NextText(random);
            positives += CheckText(text, Fuzz.Describe(Seed, index, text)) ? 1 : 0;
        }

        Assert.True(positives > Cases / 20, $"only {positives} of {Cases} texts were positive numbers; seed {Seed}");
    }

    /// <summary>Reads and prints one text; true when it is a positive number.</summary>
    internal static bool CheckText(string text, string described)
    {
        try
        {
            var value = JsNumber.Parse(text);
            var printed = JsNumber.Format(value);
            Assert.True(!string.IsNullOrEmpty(printed), $"Format({value}) is empty; {described}");

            if (!JsNumber.TryFormatPositive(text, out var formatted))
            {
                Assert.True(formatted.Length == 0, $"a failed TryFormatPositive set '{formatted}'; {described}");
                Assert.True(!(value > 0), $"TryFormatPositive refused {value}; {described}");
                return false;
            }

            Assert.True(formatted == printed, $"TryFormatPositive gave '{formatted}', Format gave '{printed}'; {described}");
            if (formatted == "Infinity")
            {
                Assert.True(double.IsPositiveInfinity(value), $"'Infinity' printed for {value}; {described}");
                return true;
            }

            Assert.True(
                double.TryParse(formatted, NumberStyles.Float, CultureInfo.InvariantCulture, out var back) && back > 0 && double.IsFinite(back),
                $"'{formatted}' does not read back as a positive double; {described}");
            Assert.True(back == value, $"'{formatted}' reads back as {back:R}, not {value:R}; {described}");
            Assert.True(JsNumber.Parse(formatted) == value, $"'{formatted}' does not read back through JsNumber as {value:R}; {described}");
            return true;
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            Assert.Fail($"{ex.GetType().Name} escaped the number reader: {ex.Message}; {described}; {ex.StackTrace}");
            return false;
        }
    }

    private static string NextText(Random random)
    {
        var text = new StringBuilder();
        switch (random.Next(8))
        {
            case 0:
                // Random characters, mostly ASCII.
                var length = random.Next(0, 30);
                for (var i = 0; i < length; i++)
                {
                    text.Append(random.Next(10) == 0 ? (char)random.Next(0x80, 0x10000) : (char)random.Next(0x00, 0x80));
                }

                break;
            case 1:
                // Very long digit runs, with a point or exponent somewhere.
                text.Append(random.Next(3) == 0 ? "0x" : "").Append('0', random.Next(0, 400)).Append(Digits(random, random.Next(1, 2000)));
                if (random.Next(2) == 0)
                {
                    text.Insert(random.Next(text.Length + 1), random.Next(2) == 0 ? "." : "e" + random.Next(-400, 400).ToString(CultureInfo.InvariantCulture));
                }

                break;
            case 2:
                // A well-formed decimal literal with surrounding white space.
                text.Append(random.Next(2) == 0 ? " \u3000" : "")
                    .Append(new[] { "", "+", "-" }[random.Next(3)])
                    .Append(Digits(random, random.Next(0, 25)))
                    .Append(random.Next(2) == 0 ? "." + Digits(random, random.Next(0, 25)) : "")
                    .Append(random.Next(2) == 0 ? "e" + new[] { "", "+", "-" }[random.Next(3)] + Digits(random, random.Next(1, 5)) : "")
                    .Append(random.Next(2) == 0 ? "\ufeff\n" : "");
                break;
            case 3:
                // Radix literals with digits valid and not.
                text.Append(new[] { "0x", "0X", "0o", "0b", "0B", "0O" }[random.Next(6)]).Append("0123456789abcdefABCDEFgz"[random.Next(24)]);
                for (var i = random.Next(0, 300); i > 0; i--)
                {
                    text.Append("0123456789abcdef"[random.Next(random.Next(2) == 0 ? 2 : 16)]);
                }

                break;
            default:
                var pieces = random.Next(1, 8);
                for (var i = 0; i < pieces; i++)
                {
                    text.Append(Pieces[random.Next(Pieces.Length)]);
                }

                break;
        }

        return text.ToString();
    }

    private static string Digits(Random random, int count)
    {
        var digits = new char[count];
        for (var i = 0; i < count; i++)
        {
            digits[i] = (char)('0' + random.Next(10));
        }

        return new string(digits);
    }
}
