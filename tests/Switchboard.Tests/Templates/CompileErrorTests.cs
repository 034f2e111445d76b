using static Switchboard.Tests.Templates.TemplateAssert;

namespace Switchboard.Tests.Templates;

public sealed class CompileErrorTests
{
    [Theory]
    [InlineData("#if($a)", 1, 1, "#if is not closed with #end")]
    [InlineData("line one\n  #if($a)\n  text", 2, 3, "#if is not closed with #end")]
    [InlineData("#if($a)#else", 1, 1, "#if is not closed with #end")]
    [InlineData("#if($a)#elseif($b)", 1, 1, "#if is not closed with #end")]
    [InlineData("x\n#foreach($i in $l)\n", 2, 1, "#foreach is not closed with #end")]
    [InlineData("#if(true)#foreach($i in $l)#end", 1, 1, "#if is not closed with #end")]
    [InlineData("a\nb #end", 2, 3, "#end without a matching #if or #foreach")]
    [InlineData("#else", 1, 1, "#else without a matching #if")]
    [InlineData("#elseif(true)", 1, 1, "#elseif without a matching #if")]
    [InlineData("#foreach($i in $l)#else#end", 1, 19, "#else without a matching #if")]
    [InlineData("#if(true)#else#else#end", 1, 15, "#else after #else; the #else must come last")]
    [InlineData("#if(true)#else#elseif(true)#end", 1, 15, "#elseif after #else; the #else must come last")]
    public void UnbalancedBlocks_ReportWhere(string text, int line, int column, string message)
    {
        var error = CompileError(text);

        Assert.Equal((line, column, message), (error.Line, error.Column, error.Message));
    }

    [Theory]
    [InlineData("$util.escapeJavaScript('abc)", 1, 24, "string starting with ' is not closed")]
    [InlineData("x\n#set($a = \"abc)", 2, 11, "string starting with \" is not closed")]
    [InlineData("#set($a = \"ends with backslash quote\\\")", 1, 11, "string starting with \" is not closed")]
    [InlineData("#sett($a = 1)", 1, 1, "unknown directive #sett; expected #if, #elseif, #else, #end, #foreach, #set or #break")]
    [InlineData("#macro(foo)#end", 1, 1, "#macro is not supported in mapping templates")]
    [InlineData("#stop", 1, 1, "#stop is not supported in mapping templates")]
    [InlineData("#if true #end", 1, 1, "#if needs its arguments in parentheses, as in #if(...)")]
    [InlineData("#if($a == )#end", 1, 11, "unexpected ')' in an expression; expected a $reference, a string, a number, true, false, [list] or {map}")]
    [InlineData("#if($a#end", 1, 7, "unexpected '#', expected ')' to close #if(")]
    [InlineData("#set(a = 1)", 1, 6, "#set needs a reference to assign, as in #set($name = value)")]
    [InlineData("#set($a 1)", 1, 9, "unexpected '1', expected '=' in #set")]
    [InlineData("#foreach($i of $l)#end", 1, 13, "expected 'in' after the #foreach loop variable")]
    [InlineData("#foreach(i in $l)#end", 1, 10, "#foreach needs a loop variable, as in #foreach($item in $list)")]
    [InlineData("$a.b(1, ", 1, 9, "unexpected end of template in an expression")]
    [InlineData("${a.b", 1, 6, "expected '}' to close the reference that starts with '${' at column 1")]
    [InlineData("#* never closed", 1, 1, "#* comment is not closed with *#")]
    [InlineData("#[[ never closed", 1, 1, "#[[ is not closed with ]]#")]
    [InlineData("#set($a = 99999999999999999999)", 1, 11, "integer literal is too large")]
    [InlineData("$a.method(x)", 1, 11, "unexpected 'x' in an expression; expected a $reference, a string, a number, true, false, [list] or {map}")]
    public void BadSyntax_ReportsWhere(string text, int line, int column, string message)
    {
        var error = CompileError(text);

        Assert.Equal((line, column, message), (error.Line, error.Column, error.Message));
    }

    [Fact]
    public void InvalidLiteralRegex_IsCompileError()
    {
        var error = CompileError("$a.replaceAll('(unclosed', 'x')");

        Assert.Equal((1, 15), (error.Line, error.Column));
        Assert.StartsWith("invalid regular expression '(unclosed' in replaceAll()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorInsideInterpolatedString_PointsIntoTheTemplate()
    {
        var error = CompileError("x\n#set($a = \"pre $b.c('oops)\")");

        Assert.Equal((2, 21), (error.Line, error.Column));
    }

    [Fact]
    public void ErrorToString_NamesLineAndColumn()
    {
        Assert.Equal("line 1, column 1: #if is not closed with #end", CompileError("#if(true)").ToString());
    }

    [Theory]
    [InlineData("#set($x = ", "(", "1", ")")]
    [InlineData("#set($x = ", "!", "true", "")]
    [InlineData("#set($x = ", "[", "1", "]")]
    [InlineData("", "#if(true)", "x", "#end")]
    public void DeepNesting_IsCompileErrorNotStackOverflow(string prefix, string open, string middle, string close)
    {
        var text = prefix + string.Concat(Enumerable.Repeat(open, 100_000)) + middle + string.Concat(Enumerable.Repeat(close, 100_000));

        Assert.Contains("nests deeper than 200 levels", CompileError(text).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModerateNesting_Compiles()
    {
        var text = "#set($x = " + new string('(', 50) + "1" + new string(')', 50) + ")$x";

        Assert.Equal("1", Render(text));
    }
}
