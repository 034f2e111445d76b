using static Switchboard.Tests.Templates.TemplateAssert;

namespace Switchboard.Tests.Templates;

/// <summary>A line holding only a directive renders nothing, not even its indent or newline.</summary>
public sealed class WhitespaceTests
{
    [Theory]
    [InlineData("#set($a = 1)\nx", "x")]
    [InlineData("  #set($a = 1)  \nx", "x")]
    [InlineData("\t#set($a = 1)\r\nx", "x")]
    [InlineData("a\n  #if(true)\n  b\n  #end\nc", "a\n  b\nc")]
    [InlineData("a\n#if(false)\nb\n#else\nc\n#end\nd", "a\nc\nd")]
    [InlineData("a\n#if(false)\nb\n#elseif(true)\ne\n#end\nd", "a\ne\nd")]
    [InlineData("[\n#foreach($i in [1, 2])\n  $i\n#end\n]", "[\n  1\n  2\n]")]
    [InlineData("x\n#set($a = 1)", "x\n")]
    public void DirectiveOnlyLine_IsGobbled(string text, string expected) => Assert.Equal(expected, Render(text));

    [Theory]
    [InlineData("  #if(true)yes#end\n", "  yes\n")]
    [InlineData("a #set($a = 1)\nb", "a \nb")]
    [InlineData("a #set($a = 1) \nb", "a  \nb")]
    [InlineData("#if(true)\nyes\n#end after\n", "yes\n after\n")]
    public void DirectiveSharingItsLine_KeepsTheLine(string text, string expected) => Assert.Equal(expected, Render(text));

    [Fact]
    public void StringLiteral_KeepsItsWhitespace()
    {
        Assert.Equal("[\n  x]", Render("#set($s = \"\n  #if(true)x#end\")[$s]"));
    }
}
