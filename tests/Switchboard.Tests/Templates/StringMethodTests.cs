using Switchboard.Templates;
using static Switchboard.Tests.Templates.TemplateAssert;

namespace Switchboard.Tests.Templates;

public sealed class StringMethodTests
{
    [Theory]
    [InlineData("#set($s = 'Hello World')$s.toLowerCase()", "hello world")]
    [InlineData("#set($s = 'Hello World')$s.toUpperCase()", "HELLO WORLD")]
    [InlineData("#set($s = 'Hello')$s.length()", "5")]
    [InlineData("#set($s = '  padded \t')[$s.trim()]", "[padded]")]
    [InlineData("#set($s = 'Hello')$s.contains('ell') $s.contains('x')", "true false")]
    [InlineData("#set($s = 'Hello')$s.startsWith('He') $s.endsWith('lo')", "true true")]
    [InlineData("#set($s = 'Hello')$s.substring(1) $s.substring(1, 3)", "ello el")]
    [InlineData("#set($s = 'Hello')$s.indexOf('l') $s.lastIndexOf('l') $s.indexOf('z')", "2 3 -1")]
    [InlineData("#set($s = 'Hello')$s.equals('Hello') $s.equals('hello') $s.equalsIgnoreCase('hello')", "true false true")]
    [InlineData("#set($s = '')$s.isEmpty() $s.empty", "true true")]
    [InlineData("#set($s = 'a.b.c')$s.replace('.', '/')", "a/b/c")]
    [InlineData("#set($s = 'abc')$s.replace('', '-')", "-a-b-c-")]
    [InlineData("#set($s = 'a1b22c')$s.replaceAll('[0-9]+', '#')", "a#b#c")]
    [InlineData("#set($s = 'a1b22c')$s.replaceFirst('[0-9]+', '#')", "a#b22c")]
    [InlineData("#set($s = 'john smith')$s.replaceAll('(\\w+) (\\w+)', '$2, $1')", "smith, john")]
    [InlineData("#set($s = 'price')$s.replaceAll('price', '\\$5')", "$5")]
    [InlineData("#set($s = 'abc')$s.matches('[a-c]+') $s.matches('b')", "true false")]
    [InlineData("#set($s = 'a,b,,c,,')$s.split(',')", "[a, b, , c]")]
    [InlineData("#set($s = 'a1b2c3')$s.split('[0-9]').size()", "3")]
    [InlineData("#set($s = 'Hi')$s.concat('!') $s.charAt(1)", "Hi! i")]
    [InlineData("#set($s = 'x')#set($p = '[a-z]')$s.replaceAll($p, 'y')", "y")]
    [InlineData("#set($s = \"it\\'s\")$s.replaceAll(\"\\\\'\", \"'\")", "it's")]
    [InlineData("#set($s = 'x')$s.toString()", "x")]
    public void StringMethod_BehavesLikeJava(string text, string expected) => Assert.Equal(expected, Render(text));

    [Theory]
    [InlineData("#set($s = 'abc')$s.substring(5)", "substring(5, 3) is out of range for a string of length 3")]
    [InlineData("#set($s = 'abc')$s.substring('x')", "substring() expects an integer argument, got 'x'")]
    [InlineData("#set($s = 'abc')$s.charAt(3)", "charAt(3) is out of range for a string of length 3")]
    [InlineData("#set($p = '(')#set($s = 'abc')$s.replaceAll($p, '')", "invalid regular expression '(':")]
    public void StringMethod_OutOfRange_ThrowsRenderError(string text, string message)
    {
        var template = Compile(text);

        var ex = Assert.Throws<TemplateRenderException>(() => template.Render(new TemplateInput()));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("'single'", "single")]
    [InlineData("\"double\"", "double")]
    [InlineData("'it''s'", "it's")]
    [InlineData("\"say \"\"hi\"\"\"", "say \"hi\"")]
    [InlineData("'a\\b'", "a\\b")]
    [InlineData("\"a\\\"b\"", "a\\\"b")]
    [InlineData("'no $interpolation'", "no $interpolation")]
    [InlineData("\"with $v interpolation\"", "with V interpolation")]
    [InlineData("\"braced ${v}s\"", "braced Vs")]
    [InlineData("\"method $v.toLowerCase()\"", "method v")]
    [InlineData("\"escaped \\$v\"", "escaped $v")]
    [InlineData("\"#if(true)directive#end\"", "directive")]
    [InlineData("\"cost $5\"", "cost $5")]
    [InlineData("\"\"", "")]
    public void StringLiteral_Forms(string literal, string expected) => Assert.Equal(expected, Render($"#set($v = 'V')#set($s = {literal})$s"));
}
