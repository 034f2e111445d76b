using Switchboard.Templates;
using static Switchboard.Tests.Templates.TemplateAssert;

namespace Switchboard.Tests.Templates;

public sealed class DirectiveTests
{
    [Theory]
    [InlineData("#if(true)yes#end", "yes")]
    [InlineData("#if(false)yes#end", "")]
    [InlineData("#if(false)yes#else no#end", " no")]
    [InlineData("#if(false)a#elseif(true)b#else c#end", "b")]
    [InlineData("#if(false)a#elseif(false)b#else c#end", " c")]
    [InlineData("#if(false)a#elseif(false)b#elseif(1 == 1)d#end", "d")]
    [InlineData("#{if}(true)yes#{else}no#{end}", "yes")]
    [InlineData("#if (true)spaced#end", "spaced")]
    [InlineData("#if($missing)yes#else no#end", " no")]
    [InlineData("#set($e = '')#if($e)empty string is true#end", "empty string is true")]
    [InlineData("#set($z = 0)#if($z)zero is true#end", "zero is true")]
    [InlineData("#if(true)#if(false)x#else y#end#end", " y")]
    [InlineData("#if(true)a#{end}b", "ab")]
    public void If_ChoosesBranch(string text, string expected) => Assert.Equal(expected, Render(text));

    [Theory]
    [InlineData("#foreach($i in [1, 2, 3])$i#end", "123")]
    [InlineData("#foreach($i in [1..3])$i,#end", "1,2,3,")]
    [InlineData("#foreach($i in [3..1])$i#end", "321")]
    [InlineData("#foreach($i in ['a', 'b'])$foreach.index$foreach.count$velocityCount$i#end", "011a122b")]
    [InlineData("#foreach($i in [1, 2, 3])$i#if($foreach.hasNext),#end#end", "1,2,3")]
    [InlineData("#foreach($i in [1, 2])#if($foreach.first)F#end#if($foreach.last)L#end#end", "FL")]
    [InlineData("#foreach($i in [])x#end", "")]
    [InlineData("#foreach($i in $missing)x#end", "")]
    [InlineData("#foreach($i in 'not a list')x#end", "")]
    [InlineData("#foreach($v in {'a': 1, 'b': 2})$v#end", "12")]
    [InlineData("#set($m = {'a': 1, 'b': 2})#foreach($e in $m.entrySet())$e.key=$e.value;#end", "a=1;b=2;")]
    [InlineData("#foreach($i in [1, 2, 3, 4])#if($i == 3)#break#end$i#end", "12")]
    [InlineData("#foreach($a in [1, 2])#foreach($b in ['x', 'y'])$a$b$foreach.parent.index#end#end", "1x01y02x12y1")]
    [InlineData("#set($i = 'kept')#foreach($i in [1])#end$i", "kept")]
    [InlineData("#foreach($i in [1])#end[$i]", "[]")]
    public void Foreach_Iterates(string text, string expected) => Assert.Equal(expected, Render(text));

    [Fact]
    public void Foreach_OverThousandItems_Throws()
    {
        var template = Compile("#foreach($i in [1..1001])$i#end");

        var ex = Assert.Throws<TemplateRenderException>(() => template.Render(new TemplateInput()));

        Assert.Equal(1, ex.Line);
        Assert.Equal(1, ex.Column);
        Assert.Contains("1000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Foreach_OverExactlyThousandItems_Renders()
    {
        Assert.Equal(1000, Render("#foreach($i in [1..1000])x#end").Length);
    }

    [Fact]
    public void Foreach_OverThousandItemsFromBody_Throws()
    {
        var items = string.Join(",", Enumerable.Range(0, 1001));
        var template = Compile("#foreach($i in $input.path('$'))#end");

        Assert.Throws<TemplateRenderException>(() => template.Render(new TemplateInput { Body = $"[{items}]" }));
    }

    [Theory]
    [InlineData("#set($x = 'a')$x", "a")]
    [InlineData("#set( $x = \"b\" )$x", "b")]
    [InlineData("#set($x = 1 + 2 * 3)$x", "7")]
    [InlineData("#set($x = (1 + 2) * 3)$x", "9")]
    [InlineData("#set($x = 7 / 2)$x", "3")]
    [InlineData("#set($x = 7 % 4)$x", "3")]
    [InlineData("#set($x = -5 + 2)$x", "-3")]
    [InlineData("#set($x = 1.5 * 2)$x", "3.0")]
    [InlineData("#set($x = 'a' + 1)$x", "a1")]
    [InlineData("#set($x = [1, 'two', true])$x", "[1, two, true]")]
    [InlineData("#set($x = {'a': 1, \"b\": [2]})$x", "{a=1, b=[2]}")]
    [InlineData("#set($x = {})$x.isEmpty()", "true")]
    [InlineData("#set($m = {})#set($m.k = 'v')$m.k", "v")]
    [InlineData("#set($m = {})#set($m['k'] = 'v')$m", "{k=v}")]
    [InlineData("#set($l = [1, 2])#set($l[0] = 9)$l", "[9, 2]")]
    [InlineData("#set($m = {})#set($ignored = $m.put('a', 1))$m.a", "1")]
    [InlineData("#set($l = [])#set($ignored = $l.add('x'))$l", "[x]")]
    [InlineData("#set($x = 'first')#set($x = $missing)$x", "first")]
    [InlineData("#set($x = 5 / 0)[$x]", "[]")]
    [InlineData("#set($a = 'x')#set($b = \"${a}-$a\")$b", "x-x")]
    public void Set_AssignsValue(string text, string expected) => Assert.Equal(expected, Render(text));

    [Fact]
    public void Set_DoesNotChangeInputDictionaries()
    {
        var context = new Dictionary<string, object?> { ["stage"] = "prod" };

        Assert.Equal("prod", Render("#set($context.stage = 'hacked')$context.stage", new TemplateInput { Context = context }));
        Assert.Equal("prod", context["stage"]);
    }

    [Theory]
    [InlineData("a ## comment\nb", "a b")]
    [InlineData("a\n## whole line\nb", "a\nb")]
    [InlineData("a\n    ## indented whole line\nb", "a\nb")]
    [InlineData("a #* block *# b", "a  b")]
    [InlineData("a\n#* multi\nline *#\nb", "a\nb")]
    [InlineData("a#[[$not #if(parsed)]]#b", "a$not #if(parsed)b")]
    [InlineData("##", "")]
    public void Comments_AreDropped(string text, string expected) => Assert.Equal(expected, Render(text));

    [Theory]
    [InlineData("#hashtag #fff #1 # x", "#hashtag #fff #1 # x")]
    [InlineData("C# and F#", "C# and F#")]
    [InlineData("#endif", "#endif")]
    public void HashWithoutDirective_IsText(string text, string expected) => Assert.Equal(expected, Render(text));
}
