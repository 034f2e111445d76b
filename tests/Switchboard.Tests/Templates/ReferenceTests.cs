using Switchboard.Templates;
using static Switchboard.Tests.Templates.TemplateAssert;

namespace Switchboard.Tests.Templates;

public sealed class ReferenceTests
{
    private static readonly TemplateInput Input = new()
    {
        Context = new Dictionary<string, object?>
        {
            ["connectionId"] = "abc=",
            ["requestTimeEpoch"] = 1700000000000L,
            ["connectedAt"] = 42,
            ["isBase64"] = true,
            ["messageId"] = null,
            ["identity"] = new Dictionary<string, object?> { ["sourceIp"] = "203.0.113.7", ["userAgent"] = "curl/8" },
            ["authorizer"] = new Dictionary<string, object?> { ["principalId"] = "user-1", ["count"] = "1" },
        },
    };

    [Theory]
    [InlineData("plain text, no references", "plain text, no references")]
    [InlineData("$context.connectionId", "abc=")]
    [InlineData("${context.connectionId}", "abc=")]
    [InlineData("$!context.connectionId", "abc=")]
    [InlineData("$!{context.connectionId}", "abc=")]
    [InlineData("id=${context.connectionId}suffix", "id=abc=suffix")]
    [InlineData("$context.identity.sourceIp", "203.0.113.7")]
    [InlineData("$context.authorizer.principalId/$context.identity.userAgent", "user-1/curl/8")]
    [InlineData("$context['identity']['sourceIp']", "203.0.113.7")]
    [InlineData("$context.requestTimeEpoch", "1700000000000")]
    [InlineData("$context.connectedAt", "42")]
    [InlineData("$context.isBase64", "true")]
    [InlineData("$context.identity", "{sourceIp=203.0.113.7, userAgent=curl/8}")]
    public void Reference_RendersValue(string text, string expected) => Assert.Equal(expected, Render(text, Input));

    [Theory]
    [InlineData("[$context.unknown]", "[]")]
    [InlineData("[$!context.unknown]", "[]")]
    [InlineData("[$context.messageId]", "[]")]
    [InlineData("[$context.identity.nothing.deeper]", "[]")]
    [InlineData("[$undefinedVariable]", "[]")]
    [InlineData("[${undefinedVariable}]", "[]")]
    [InlineData("[$undefined.method('x')]", "[]")]
    [InlineData("[$context.connectionId.noSuchMethod()]", "[]")]
    public void UndefinedReference_RendersEmpty(string text, string expected) => Assert.Equal(expected, Render(text, Input));

    [Theory]
    [InlineData("cost: $5", "cost: $5")]
    [InlineData("$", "$")]
    [InlineData("a $ b", "a $ b")]
    [InlineData("$$", "$$")]
    [InlineData("${", "${")]
    [InlineData("'$.a'", "'$.a'")]
    [InlineData("end of sentence $context.connectionId.", "end of sentence abc=.")]
    [InlineData("$nothing (x)", " (x)")]
    public void DollarWithoutName_IsText(string text, string expected) => Assert.Equal(expected, Render(text, Input));

    [Theory]
    [InlineData("\\$context.connectionId", "$context.connectionId")]
    [InlineData("\\${name}", "${name}")]
    [InlineData("\\\\$context.connectionId", "\\abc=")]
    [InlineData("\\\\\\$context.connectionId", "\\$context.connectionId")]
    [InlineData("C:\\path\\file", "C:\\path\\file")]
    [InlineData("\\#if(true)", "#if(true)")]
    [InlineData("\\n stays", "\\n stays")]
    public void Backslash_EscapesReferencesAndDirectivesOnly(string text, string expected) =>
        Assert.Equal(expected, Render(text, Input));

    [Fact]
    public void IndexAfterReferenceInText_ThatIsNotAnIndex_StaysText()
    {
        Assert.Equal("abc=[note]", Render("$context.connectionId[note]", Input));
    }

    [Fact]
    public void HyphenEndsIdentifier()
    {
        Assert.Equal("abc=-x", Render("$context.connectionId-x", Input));
    }
}
