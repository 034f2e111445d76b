using Switchboard.Templates;
using static Switchboard.Tests.Templates.TemplateAssert;

namespace Switchboard.Tests.Templates;

public sealed class ExpressionTests
{
    [Theory]
    [InlineData("1 == 1", true)]
    [InlineData("1 != 1", false)]
    [InlineData("1 eq 1", true)]
    [InlineData("1 ne 2", true)]
    [InlineData("1 < 2 && 2 <= 2", true)]
    [InlineData("3 > 2 and 2 >= 3", false)]
    [InlineData("1 lt 2 && 2 le 2 && 3 gt 2 && 3 ge 3", true)]
    [InlineData("false || true", true)]
    [InlineData("false or false", false)]
    [InlineData("!false", true)]
    [InlineData("not true", false)]
    [InlineData("!($missing)", true)]
    [InlineData("true && !(1 == 2)", true)]
    [InlineData("1 + 2 == 3", true)]
    [InlineData("10 - 2 * 3 == 4", true)]
    [InlineData("'a' == 'a'", true)]
    [InlineData("'a' == \"a\"", true)]
    [InlineData("'a' < 'b'", true)]
    [InlineData("'1' == 1", true)]
    [InlineData("'true' == true", true)]
    [InlineData("1 == 1.0", true)]
    [InlineData("$missing == $alsoMissing", true)]
    [InlineData("$missing == ''", false)]
    [InlineData("$missing < 1", false)]
    [InlineData("'a' < 1", false)]
    [InlineData("[1, 'a'] == [1, 'a']", true)]
    [InlineData("{'a': 1} == {'a': 1}", true)]
    [InlineData("$context.n == 5", true)]
    [InlineData("$context.n > 4", true)]
    [InlineData("$context.flag", true)]
    [InlineData("$context.flag == true", true)]
    [InlineData("$context.off", false)]
    public void Condition_Evaluates(string condition, bool expected)
    {
        var input = new TemplateInput { Context = new Dictionary<string, object?> { ["n"] = 5, ["flag"] = true, ["off"] = false } };

        Assert.Equal(expected ? "T" : "F", Render($"#if({condition})T#{{else}}F#end", input));
    }

    [Theory]
    [InlineData("2 + 3", "5")]
    [InlineData("2 - 3", "-1")]
    [InlineData("-(2 + 3)", "-5")]
    [InlineData("2 * 3", "6")]
    [InlineData("7 / 2", "3")]
    [InlineData("-7 / 2", "-3")]
    [InlineData("7.0 / 2", "3.5")]
    [InlineData("7 % 3", "1")]
    [InlineData("0.1 + 0.2", "0.30000000000000004")]
    [InlineData("1.0 * 10000000", "1.0E7")]
    [InlineData("0.0001 * 1", "1.0E-4")]
    [InlineData("9223372036854775807 + 1", "9.223372036854776E18")]
    [InlineData("'n=' + 5", "n=5")]
    [InlineData("$missing + 1", "")]
    [InlineData("1 / 0", "")]
    [InlineData("$context.n * 2", "10")]
    [InlineData("$foreach.count", "")]
    public void Arithmetic_Evaluates(string expression, string expected)
    {
        var input = new TemplateInput { Context = new Dictionary<string, object?> { ["n"] = 5 } };

        Assert.Equal(expected, Render($"#set($r = 'unset')#set($r = {expression})#if($r != 'unset')$r#end", input));
    }

    [Fact]
    public void LogicalOperators_ShortCircuit()
    {
        // The right side would fail; short-circuiting means it never runs.
        Assert.Equal("ok", Render("#if(false && $util.parseJson('{bad').a)bad#elseif(true || $util.parseJson('{bad'))ok#end"));
    }

    [Theory]
    [InlineData("[1, 2, 3]", "[1, 2, 3]")]
    [InlineData("[]", "[]")]
    [InlineData("[1..3]", "[1, 2, 3]")]
    [InlineData("[$context.n..7]", "[5, 6, 7]")]
    [InlineData("{'k': [1, {'n': 'v'}]}", "{k=[1, {n=v}]}")]
    [InlineData("[ 'spaced' , \n 'out' ]", "[spaced, out]")]
    [InlineData("[$missing]", "[null]")]
    public void Literals_RenderJavaStyle(string literal, string expected)
    {
        var input = new TemplateInput { Context = new Dictionary<string, object?> { ["n"] = 5 } };

        Assert.Equal(expected, Render($"#set($x = {literal})$x", input));
    }

    [Fact]
    public void HugeRange_ThrowsRenderError()
    {
        var template = Compile("#set($x = [1..2000000000])");

        Assert.Throws<TemplateRenderException>(() => template.Render(new TemplateInput()));
    }
}
