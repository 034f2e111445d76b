using System.Globalization;
using Switchboard.Integrations;

namespace Switchboard.Tests.Integrations;

// Expected values are what Node.js 20 answers for Number(text) and String(value). The Node* cases come from
// jsnumber-cases.js (JsNumberTests.Generated.cs); rerun it rather than editing them.
public sealed partial class JsNumberTests
{
    [Theory]
    [InlineData("007", "7")]
    [InlineData("1e3", "1000")]
    [InlineData("0x10", "16")]
    [InlineData("0X1f", "31")]
    [InlineData("0b101", "5")]
    [InlineData("0B11", "3")]
    [InlineData("0o17", "15")]
    [InlineData("0O17", "15")]
    [InlineData(" 12 ", "12")]
    [InlineData("1.50", "1.5")]
    [InlineData("+5", "5")]
    [InlineData(".5", "0.5")]
    [InlineData("+.5", "0.5")]
    [InlineData("-.5e1", "-5")]
    [InlineData("5.", "5")]
    [InlineData("5.e1", "50")]
    [InlineData("1E+2", "100")]
    [InlineData("1e-5", "0.00001")]
    [InlineData("-1", "-1")]
    [InlineData("0", "0")]
    [InlineData("-0", "-0")]
    [InlineData("-0.0e-0", "-0")]
    [InlineData("", "0")]
    [InlineData("   ", "0")]
    [InlineData("\t\n\v\f\r \u00A0\u1680\u2000\u200A\u2028\u2029\u202F\u205F\u3000\uFEFF", "0")]
    [InlineData("\u00A0\uFEFF\u3000-12.5e-1\u2029\n", "-1.25")]
    [InlineData("Infinity", "Infinity")]
    [InlineData("+Infinity", "Infinity")]
    [InlineData("-Infinity", "-Infinity")]
    [InlineData(" Infinity\n", "Infinity")]
    [InlineData("1e21", "1e+21")]
    [InlineData("123456789012345678901", "123456789012345680000")]
    [InlineData("0.000001", "0.000001")]
    [InlineData("1e-7", "1e-7")]
    [InlineData("5e-324", "5e-324")]
    [InlineData("2e-324", "0")]
    [InlineData("3e-324", "5e-324")]
    [InlineData("1.7976931348623157e308", "1.7976931348623157e+308")]
    [InlineData("1.7976931348623159e308", "Infinity")]
    [InlineData("1e400", "Infinity")]
    [InlineData("1e99999999999999999999", "Infinity")]
    [InlineData("1e-99999999999999999999", "0")]
    [InlineData("1e0000000000000000000000001", "10")]
    [InlineData("0x20000000000001", "9007199254740992")] // halfway: rounds to even
    [InlineData("0x20000000000003", "9007199254740996")]
    [InlineData("00000000000000000000000000001", "1")]
    public void Parse_ReadsAsJavaScript(string text, string expected)
    {
        AssertSameDouble(ExpectedValue(expected), JsNumber.Parse(text));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("NaN")]
    [InlineData("-0x10")]
    [InlineData("+0x10")]
    [InlineData("1_000")]
    [InlineData("0x1_0")]
    [InlineData("1e")]
    [InlineData("1e+")]
    [InlineData("e5")]
    [InlineData(".")]
    [InlineData("+")]
    [InlineData("-")]
    [InlineData("+.")]
    [InlineData("0x")]
    [InlineData("0b")]
    [InlineData("0o")]
    [InlineData("0b2")]
    [InlineData("0o8")]
    [InlineData("0xG")]
    [InlineData("00x1")]
    [InlineData("1 2")]
    [InlineData("- 1")]
    [InlineData("1,000")]
    [InlineData("infinity")]
    [InlineData("INFINITY")]
    [InlineData("Inf")]
    [InlineData("Infinityx")]
    [InlineData("\u221E")] // .NET reads "∞" as infinity; JavaScript does not
    [InlineData("\u0663")] // ARABIC-INDIC DIGIT THREE: char.IsDigit, but not a JavaScript digit
    [InlineData("\u180E1")] // MONGOLIAN VOWEL SEPARATOR left Zs in Unicode 6.3
    [InlineData("1\u0085")] // NEXT LINE is not JavaScript white space
    [InlineData("\u200B1")] // ZERO WIDTH SPACE is not either
    public void Parse_NotANumber(string text)
    {
        Assert.True(double.IsNaN(JsNumber.Parse(text)));
    }

    [Fact]
    public void Parse_HugeNonDecimal_IsInfinity()
    {
        Assert.Equal(double.PositiveInfinity, JsNumber.Parse("0x" + new string('f', 300)));
        Assert.Equal(1, JsNumber.Parse("0x" + new string('0', 500) + "1"));
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    [InlineData(0d, "0")]
    [InlineData(7d, "7")]
    [InlineData(-1d, "-1")]
    [InlineData(1.5, "1.5")]
    [InlineData(1000d, "1000")]
    [InlineData(0.1 + 0.2, "0.30000000000000004")]
    [InlineData(1e21, "1e+21")]
    [InlineData(-1e21, "-1e+21")]
    [InlineData(1.5e21, "1.5e+21")]
    [InlineData(999999999999999900000d, "999999999999999900000")]
    [InlineData(123456789012345680000d, "123456789012345680000")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(0.0000015, "0.0000015")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(1.5e-7, "1.5e-7")]
    [InlineData(-1.5e-7, "-1.5e-7")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(double.MaxValue, "1.7976931348623157e+308")]
    [InlineData(1e100, "1e+100")]
    [InlineData(9007199254740993d, "9007199254740992")]
    [InlineData(123.456, "123.456")]
    public void Format_PrintsAsJavaScript(double value, string expected)
    {
        Assert.Equal(expected, JsNumber.Format(value));
    }

    [Fact]
    public void Format_NegativeZero_IsZero()
    {
        // A separate fact because xunit counts InlineData(-0d) as a duplicate of InlineData(0d).
        Assert.Equal("0", JsNumber.Format(-0d));
    }

    [Theory]
    [InlineData("007", "7")]
    [InlineData("1e3", "1000")]
    [InlineData("1e21", "1e+21")]
    [InlineData("Infinity", "Infinity")]
    [InlineData(" 0x10 ", "16")]
    [InlineData("5e-324", "5e-324")]
    [InlineData("0.000001", "0.000001")]
    public void TryFormatPositive_Positive_FormatsAsJavaScript(string text, string expected)
    {
        Assert.True(JsNumber.TryFormatPositive(text, out var formatted));
        Assert.Equal(expected, formatted);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("abc")]
    [InlineData("NaN")]
    [InlineData("-Infinity")]
    [InlineData("1e-400")]
    [InlineData("-0x10")]
    public void TryFormatPositive_NotPositive_IsFalse(string text)
    {
        Assert.False(JsNumber.TryFormatPositive(text, out var formatted));
        Assert.Equal("", formatted);
    }

    [Theory]
    [MemberData(nameof(NodeParseCases))]
    public void Parse_MatchesNode(string text, string expected)
    {
        AssertSameDouble(ExpectedValue(expected), JsNumber.Parse(text));
    }

    [Theory]
    [MemberData(nameof(NodeFormatCases))]
    public void Format_MatchesNode(double value, string expected)
    {
        Assert.Equal(expected, JsNumber.Format(value));
    }

    // Expected values are written as JavaScript prints them, which is exact for every double but -0.
    private static double ExpectedValue(string text) => text switch
    {
        "NaN" => double.NaN,
        "Infinity" => double.PositiveInfinity,
        "-Infinity" => double.NegativeInfinity,
        "-0" => -0d,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static void AssertSameDouble(double expected, double actual)
    {
        if (double.IsNaN(expected))
        {
            Assert.True(double.IsNaN(actual), $"expected NaN, got {actual:R}");
            return;
        }

        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(actual));
    }
}
