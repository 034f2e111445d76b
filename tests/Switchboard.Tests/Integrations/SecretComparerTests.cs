using System.Text;
using Switchboard.Integrations;

namespace Switchboard.Tests.Integrations;

public sealed class SecretComparerTests
{
    [Theory]
    [InlineData("1234", "1234", true)]
    [InlineData("1235", "1234", false)]
    [InlineData("0234", "1234", false)]
    [InlineData("123", "1234", false)]
    [InlineData("12345", "1234", false)]
    [InlineData("", "1234", false)]
    [InlineData("1234", "", false)]
    [InlineData("", "", true)]
    [InlineData(" 1234", "1234", false)]
    [InlineData("1234 ", "1234", false)]
    [InlineData("ABCD", "abcd", false)]
    [InlineData("cl\u00E9 \U0001F511", "cl\u00E9 \U0001F511", true)]
    [InlineData("cle\u0301 \U0001F511", "cl\u00E9 \U0001F511", false)] // same text to a reader, different bytes
    public void Matches_OnlyTheSameBytes(string candidate, string secret, bool expected)
    {
        Assert.Equal(expected, SecretComparer.Matches(Encoding.UTF8.GetBytes(candidate), Encoding.UTF8.GetBytes(secret)));
    }

    [Fact]
    public void Matches_LongInputs()
    {
        var secret = new byte[100_000];
        new Random(7).NextBytes(secret);
        var same = (byte[])secret.Clone();
        var lastDiffers = (byte[])secret.Clone();
        lastDiffers[^1] ^= 1;

        Assert.True(SecretComparer.Matches(same, secret));
        Assert.False(SecretComparer.Matches(lastDiffers, secret));
        Assert.False(SecretComparer.Matches(secret.AsSpan(0, secret.Length - 1), secret));
        Assert.False(SecretComparer.Matches(secret, secret.AsSpan(1)));
    }
}
