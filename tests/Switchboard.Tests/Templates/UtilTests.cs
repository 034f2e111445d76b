using Switchboard.Templates;
using static Switchboard.Tests.Templates.TemplateAssert;

namespace Switchboard.Tests.Templates;

public sealed class UtilTests
{
    private static string Call(string function, string argument)
    {
        var input = new TemplateInput { StageVariables = new Dictionary<string, string> { ["arg"] = argument } };
        return Render($"$util.{function}($stageVariables.arg)", input);
    }

    [Theory]
    [InlineData("plain ASCII 123", "plain ASCII 123")]
    [InlineData("it's", "it\\'s")]
    [InlineData("say \"hi\"", "say \\\"hi\\\"")]
    [InlineData("back\\slash", "back\\\\slash")]
    [InlineData("a/b", "a\\/b")]
    [InlineData("line\nbreak\r\ttab\bb\ff", "line\\nbreak\\r\\ttab\\bb\\ff")]
    [InlineData("\u0001\u001f", "\\u0001\\u001F")]
    [InlineData("\u007f", "\u007f")]
    [InlineData("é", "\\u00E9")]
    [InlineData("€", "\\u20AC")]
    [InlineData("😀", "\\uD83D\\uDE00")]
    [InlineData("<script>", "<script>")]
    public void EscapeJavaScript_MatchesCommonsLang(string argument, string expected) =>
        Assert.Equal(expected, Call("escapeJavaScript", argument));

    [Theory]
    [InlineData("a b&c", "a+b%26c")]
    [InlineData("azAZ09.-*_", "azAZ09.-*_")]
    [InlineData("~!'()", "%7E%21%27%28%29")]
    [InlineData("a=b/c?d", "a%3Db%2Fc%3Fd")]
    [InlineData("é€", "%C3%A9%E2%82%AC")]
    [InlineData("😀", "%F0%9F%98%80")]
    [InlineData("", "")]
    public void UrlEncode_MatchesJavaUrlEncoder(string argument, string expected) => Assert.Equal(expected, Call("urlEncode", argument));

    [Theory]
    [InlineData("a+b%26c", "a b&c")]
    [InlineData("%C3%A9%e2%82%ac", "é€")]
    [InlineData("no escapes", "no escapes")]
    [InlineData("100%25", "100%")]
    public void UrlDecode_IsInverse(string argument, string expected) => Assert.Equal(expected, Call("urlDecode", argument));

    [Theory]
    [InlineData("hello", "aGVsbG8=")]
    [InlineData("é", "w6k=")]
    [InlineData("", "")]
    public void Base64_RoundTripsUtf8(string plain, string encoded)
    {
        Assert.Equal(encoded, Call("base64Encode", plain));
        Assert.Equal(plain, Call("base64Decode", encoded));
    }

    [Theory]
    [InlineData("""{"a": {"b": [1, "two", false, null, 2.5]}}""", "$p.a.b[1] $p.a.b[2] $p.a.b.size() $p.a.b[4]", "two false 5 2.5")]
    [InlineData("""[1, 2]""", "$p.get(0)$p[1]", "12")]
    [InlineData("\"just a string\"", "$p", "just a string")]
    [InlineData("42", "$p", "42")]
    [InlineData("""{"a": 1}""", "$p", "{a=1}")]
    public void ParseJson_GivesUsableValue(string json, string use, string expected)
    {
        var input = new TemplateInput { StageVariables = new Dictionary<string, string> { ["json"] = json } };

        Assert.Equal(expected, Render($"#set($p = $util.parseJson($stageVariables.json)){use}", input));
    }

    [Theory]
    [InlineData("parseJson", "{not json", "$util.parseJson: the argument is not valid JSON")]
    [InlineData("base64Decode", "!!!", "$util.base64Decode: the argument is not valid base64")]
    [InlineData("urlDecode", "50%", "$util.urlDecode: incomplete or invalid escape at position 2 of '50%'")]
    public void InvalidArgument_ThrowsRenderErrorWithPosition(string function, string argument, string message)
    {
        var ex = Assert.Throws<TemplateRenderException>(() => Call(function, argument));

        Assert.Equal($"line 1, column 7: {message}", ex.Message);
    }

    [Theory]
    [InlineData("[$util.escapeJavaScript($missing)]", "[]")]
    [InlineData("[$util.parseJson($missing)]", "[]")]
    [InlineData("[$util.noSuchFunction('x')]", "[]")]
    [InlineData("$util.urlEncode(42)", "42")]
    public void OddArguments_DoNotFail(string text, string expected) => Assert.Equal(expected, Render(text));
}
