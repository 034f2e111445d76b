using Switchboard.Templates;
using static Switchboard.Tests.Templates.TemplateAssert;

namespace Switchboard.Tests.Templates;

/// <summary>
/// <see cref="MappingTemplate.MaxOutputChars"/> (6 × 1024 × 1024 characters): a render may produce exactly that much;
/// one character more fails the render, whether the text is printed or built up in a variable first.
/// </summary>
public sealed class OutputLimitTests
{
    private const int Cap = MappingTemplate.MaxOutputChars;

    // A loop re-emitting the body: 1,000 passes (the #foreach limit) of 6,291 characters after a literal head of 456
    // characters bring the output to the cap exactly.
    private const int Passes = ForeachNode.MaxIterations;
    private const int BodyChars = Cap / Passes;
    private const int Head = Cap - (Passes * BodyChars);

    private static readonly string Exceeded = $"the rendered template exceeds {Cap} characters";

    private static TemplateInput Body(int chars) => new() { Body = new string('b', chars) };

    private static string ReEmittingTemplate(int head) => new string('h', head) + "#foreach($i in [1..1000])$input.body#end";

    [Fact]
    public void OutputOfExactlyTheCap_Renders()
    {
        var output = Compile(ReEmittingTemplate(Head)).Render(Body(BodyChars));

        Assert.Equal(Cap, output.Length);
        Assert.Equal(new string('h', Head) + new string('b', Passes * BodyChars), output);
    }

    [Fact]
    public void OutputOneCharacterOverTheCap_FailsTheRender()
    {
        var template = Compile(ReEmittingTemplate(Head + 1));

        var ex = Assert.Throws<TemplateRenderException>(() => template.Render(Body(BodyChars)));

        Assert.Equal(Exceeded, ex.Message);
    }

    [Fact]
    public void TheSameTemplate_WithALongerBody_FailsOnEveryRender_AndAShortOneStillRenders()
    {
        // The cap belongs to the render, not the template: one that failed renders again for a smaller request.
        var template = Compile(ReEmittingTemplate(0));

        Assert.Equal(Exceeded, Assert.Throws<TemplateRenderException>(() => template.Render(Body(BodyChars + 1))).Message);
        Assert.Equal(Exceeded, Assert.Throws<TemplateRenderException>(() => template.Render(Body(BodyChars + 1))).Message);
        Assert.Equal(Passes * 3, template.Render(Body(3)).Length);
    }

    [Fact]
    public void LiteralTextOverTheCap_FailsTheRender_AndTheCapItselfRenders()
    {
        Assert.Equal(Cap, Render(new string('x', Cap)).Length);

        var over = Compile(new string('x', Cap + 1));
        Assert.Equal(Exceeded, Assert.Throws<TemplateRenderException>(() => over.Render(new TemplateInput())).Message);
    }

    // A string built up in a variable is held to the cap before it is printed: otherwise a loop could hold
    // 1,000 times the body (#set($s = "$s$input.body")) while printing nothing. 6 passes of 1 MiB are the cap exactly.
    [Theory]
    [InlineData("#set($s = \"$s$input.body\")")]
    [InlineData("#set($s = $s + $input.body)")]
    [InlineData("#set($s = $s.concat($input.body))")]
    public void AStringBuiltInAVariable_UpToTheCap_IsKept(string append)
    {
        var template = Compile("#set($s = '')#foreach($i in [1..6])" + append + "#end$s.length()");

        Assert.Equal(Cap.ToString(System.Globalization.CultureInfo.InvariantCulture), template.Render(Body(1024 * 1024)));
    }

    [Theory]
    [InlineData("#set($s = \"$s$input.body\")", "line 1, column 46: a string longer than 6291456 characters, the template output limit")]
    [InlineData("#set($s = $s + $input.body)", "line 1, column 49: a string longer than 6291456 characters, the template output limit")]
    [InlineData("#set($s = $s.concat($input.body))", "line 1, column 49: a string longer than 6291456 characters, the template output limit")]
    public void AStringBuiltInAVariable_PastTheCap_FailsTheRender_ThoughNeverPrinted(string append, string message)
    {
        var template = Compile("#set($s = '')#foreach($i in [1..7])" + append + "#end done");

        var ex = Assert.Throws<TemplateRenderException>(() => template.Render(Body(1024 * 1024)));

        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void AListOfTheBodyJoinedAsText_PastTheCap_FailsTheRender()
    {
        // A list holds references, not copies, so 7 entries of 1 MiB cost nothing until the list becomes one string.
        var template = Compile("#set($l = [])#foreach($i in [1..7])#set($added = $l.add($input.body))#end#set($t = $l + '')done");

        var ex = Assert.Throws<TemplateRenderException>(() => template.Render(Body(1024 * 1024)));

        Assert.Contains(Cap.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }
}
