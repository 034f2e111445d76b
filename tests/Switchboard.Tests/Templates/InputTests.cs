using Switchboard.Templates;
using static Switchboard.Tests.Templates.TemplateAssert;

namespace Switchboard.Tests.Templates;

public sealed class InputTests
{
    private static readonly TemplateInput Request = new()
    {
        Body = """{"name": "Rex", "pets": [{"id": 1, "type": "dog", "price": 249.99}, {"id": 2, "tags": ["a", "b"]}], "nested": {"a b": {"c": true}}, "nothing": null, "big": 12345678901234567890, "text": "é<>"}""",
        PathParameters = Pairs(("id", "path-id"), ("petId", "7")),
        QueryParameters = Pairs(("id", "query-id"), ("q", "first"), ("q", "last"), ("only", "query")),
        Headers = Pairs(("Content-Type", "application/json"), ("id", "header-id"), ("X-Only", "header")),
    };

    [Theory]
    [InlineData("$input.params('id')", "path-id")]
    [InlineData("$input.params('petId')", "7")]
    [InlineData("$input.params('only')", "query")]
    [InlineData("$input.params('q')", "last")]
    [InlineData("$input.params('x-only')", "header")]
    [InlineData("$input.params('CONTENT-TYPE')", "application/json")]
    [InlineData("[$input.params('missing')]", "[]")]
    [InlineData("[$input.params('Id')]", "[header-id]")]
    public void Params_SearchesPathThenQueryThenHeader(string text, string expected) => Assert.Equal(expected, Render(text, Request));

    [Theory]
    [InlineData("$input.params()", "{path={id=path-id, petId=7}, querystring={id=query-id, q=last, only=query}, header={Content-Type=application/json, id=header-id, X-Only=header}}")]
    [InlineData("$input.params().keySet()", "[path, querystring, header]")]
    [InlineData("$input.params().path.petId", "7")]
    [InlineData("$input.params().get('querystring').get('q')", "last")]
    [InlineData("$input.params().header.get('content-type')", "application/json")]
    [InlineData("$input.params().header['x-only']", "header")]
    [InlineData("$input.params().header.containsKey('X-ONLY')", "true")]
    [InlineData("$input.params().querystring.size()", "3")]
    public void AllParams_IsMapOfMaps(string text, string expected) => Assert.Equal(expected, Render(text, Request));

    [Fact]
    public void AllParams_WithNoParameters_RendersEmptyMaps()
    {
        Assert.Equal("{path={}, querystring={}, header={}}", Render("$input.params()"));
    }

    [Theory]
    [InlineData("$input.json('$.name')", "\"Rex\"")]
    [InlineData("$input.json('$.pets[0]')", """{"id":1,"type":"dog","price":249.99}""")]
    [InlineData("$input.json('$.pets[1].tags')", """["a","b"]""")]
    [InlineData("$input.json(\"$['nested']['a b'].c\")", "true")]
    [InlineData("$input.json('$.nothing')", "null")]
    [InlineData("$input.json('$.big')", "12345678901234567890")]
    [InlineData("$input.json('$.text')", "\"é<>\"")]
    [InlineData("$input.json('name')", "\"Rex\"")]
    [InlineData("[$input.json('$.missing')]", "[]")]
    [InlineData("[$input.json('$.pets[5]')]", "[]")]
    [InlineData("[$input.json('$.name.deeper')]", "[]")]
    public void Json_ReturnsJsonTextOfSelection(string text, string expected) => Assert.Equal(expected, Render(text, Request));

    [Theory]
    [InlineData("$input.path('$.name')", "Rex")]
    [InlineData("$input.path('$.name').length()", "3")]
    [InlineData("$input.path('$.name').size()", "3")]
    [InlineData("$input.path('$.pets').size()", "2")]
    [InlineData("$input.path('$.pets')[0].type", "dog")]
    [InlineData("$input.path('$.pets').get(1).tags[1]", "b")]
    [InlineData("$input.path('$.pets[0].price')", "249.99")]
    [InlineData("$input.path('$.pets[0].id')", "1")]
    [InlineData("$input.path('$.pets[0]')", "{id=1, type=dog, price=249.99}")]
    [InlineData("$input.path('$.pets[0]').keySet()", "[id, type, price]")]
    [InlineData("$input.path('$.pets[0]').size()", "3")]
    [InlineData("$input.path('$.nested')['a b'].c", "true")]
    [InlineData("[$input.path('$.nothing')]", "[]")]
    [InlineData("[$input.path('$.missing')]", "[]")]
    [InlineData("$input.path('$.big')", "1.2345678901234567E19")]
    [InlineData("#foreach($pet in $input.path('$.pets'))$pet.id;#end", "1;2;")]
    [InlineData("#if($input.path('$.pets[0].id') == 1)one#end", "one")]
    [InlineData("#if($input.path('$.pets[0].price') > 200)expensive#end", "expensive")]
    public void Path_ReturnsUsableValue(string text, string expected) => Assert.Equal(expected, Render(text, Request));

    [Fact]
    public void Body_IsRawText()
    {
        Assert.Equal(Request.Body, Render("$input.body", Request));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("{\"truncated\": ")]
    public void NonJsonBody_JsonIsEmptyAndPathIsNull(string body)
    {
        var input = new TemplateInput { Body = body };

        Assert.Equal("[][][]", Render("[$input.json('$')][$input.path('$')][$input.path('$.a')]", input));
        Assert.Equal(body, Render("$input.body", input));
    }

    [Fact]
    public void UnsupportedJsonPath_ThrowsRenderError()
    {
        var template = Compile("x\n  $input.json('$..deep')");

        var ex = Assert.Throws<TemplateRenderException>(() => template.Render(Request));

        Assert.Equal((2, 10), (ex.Line, ex.Column));
        Assert.Contains("unsupported JSONPath '$..deep'", ex.Message, StringComparison.Ordinal);
    }
}
