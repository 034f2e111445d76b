using Switchboard.Templates;
using static Switchboard.Tests.Templates.TemplateAssert;

namespace Switchboard.Tests.Templates;

public sealed class CollectionMethodTests
{
    [Theory]
    [InlineData("$m.get('a') $m.a $m['a']", "1 1 1")]
    [InlineData("[$m.get('zz')][$m.zz]", "[][]")]
    [InlineData("$m.containsKey('b') $m.containsKey('zz')", "true false")]
    [InlineData("$m.containsValue(2)", "true")]
    [InlineData("$m.keySet()", "[a, b]")]
    [InlineData("$m.values()", "[1, 2]")]
    [InlineData("$m.size() $m.isEmpty()", "2 false")]
    [InlineData("$m.entrySet()", "[a=1, b=2]")]
    [InlineData("#set($old = $m.put('a', 9))$old $m", "1 {a=9, b=2}")]
    [InlineData("#set($old = $m.remove('a'))$old $m", "1 {b=2}")]
    public void MapMethod(string text, string expected) => Assert.Equal(expected, Render("#set($m = {'a': 1, 'b': 2})" + text));

    [Theory]
    [InlineData("$l.get(0) $l[1]", "x y")]
    [InlineData("[$l[9]]", "[]")]
    [InlineData("$l.size() $l.isEmpty() $l.empty", "3 false false")]
    [InlineData("$l.contains('y') $l.contains('q')", "true false")]
    [InlineData("$l.indexOf('z')", "2")]
    [InlineData("#set($ok = $l.add('w'))$l", "[x, y, z, w]")]
    public void ListMethod(string text, string expected) => Assert.Equal(expected, Render("#set($l = ['x', 'y', 'z'])" + text));

    [Fact]
    public void ListGet_OutOfRange_ThrowsRenderError()
    {
        var template = Compile("#set($l = [1])$l.get(3)");

        var ex = Assert.Throws<TemplateRenderException>(() => template.Render(new TemplateInput()));

        Assert.Equal("line 1, column 18: get(3) is out of range for a list of size 1", ex.Message);
    }

    [Fact]
    public void ContextMaps_AreReadOnly()
    {
        var input = new TemplateInput { Context = new Dictionary<string, object?> { ["a"] = "1" } };

        Assert.Equal("[] {a=1}", Render("[$context.put('b', '2')] $context", input));
    }

    [Fact]
    public void MapContainingItself_ThrowsRenderErrorInsteadOfOverflowing()
    {
        var template = Compile("#set($m = {})#set($ignored = $m.put('self', $m))\n$m");

        var ex = Assert.Throws<TemplateRenderException>(() => template.Render(new TemplateInput()));

        Assert.Equal((2, 1), (ex.Line, ex.Column));
        Assert.True(Render("#set($m = {})#set($ignored = $m.put('self', $m))$m.equals($m)") == "true");
    }
}
