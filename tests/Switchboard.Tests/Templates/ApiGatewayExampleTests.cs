using System.Text.Json;
using Switchboard.Templates;
using static Switchboard.Tests.Templates.TemplateAssert;

namespace Switchboard.Tests.Templates;

/// <summary>Templates as API Gateway users write them, taken from its documentation.</summary>
public sealed class ApiGatewayExampleTests
{
    [Fact]
    public void SeedTemplate_RendersQueryParametersAndEmptyForMissing()
    {
        const string text = "{\n\n    \"programId\": \"$input.params('progId')\",\n\n    \"domain\": \"$input.params('domain')\",\n\n    \"stage\": \"$input.params('stage')\"\n\n}";
        var input = new TemplateInput { QueryParameters = Pairs(("progId", "5"), ("domain", "example.com")) };

        using var json = JsonDocument.Parse(Render(text, input));

        Assert.Equal("5", json.RootElement.GetProperty("programId").GetString());
        Assert.Equal("example.com", json.RootElement.GetProperty("domain").GetString());
        Assert.Equal("", json.RootElement.GetProperty("stage").GetString());
    }

    [Fact]
    public void AllParamsIterationExample_RendersJsonOfEveryParameter()
    {
        const string text = """
            #set($allParams = $input.params())
            {
            "params" : {
            #foreach($type in $allParams.keySet())
                #set($params = $allParams.get($type))
            "$type" : {
                #foreach($paramName in $params.keySet())
                "$paramName" : "$util.escapeJavaScript($params.get($paramName))"
                    #if($foreach.hasNext),#end
                #end
            }
                #if($foreach.hasNext),#end
            #end
            }
            }
            """;
        var input = new TemplateInput
        {
            PathParameters = Pairs(("id", "42")),
            QueryParameters = Pairs(("progId", "5"), ("name", "say \"hi\"")),
            Headers = Pairs(("Host", "example.com"), ("X-Trace", "a/b")),
        };

        var rendered = Render(text, input);

        using var json = JsonDocument.Parse(rendered);
        var all = json.RootElement.GetProperty("params");
        Assert.Equal("42", all.GetProperty("path").GetProperty("id").GetString());
        Assert.Equal("5", all.GetProperty("querystring").GetProperty("progId").GetString());
        Assert.Equal("example.com", all.GetProperty("header").GetProperty("Host").GetString());
        Assert.Equal("a/b", all.GetProperty("header").GetProperty("X-Trace").GetString());
        Assert.Equal(["path", "querystring", "header"], all.EnumerateObject().Select(p => p.Name));
        Assert.Equal("say \"hi\"", all.GetProperty("querystring").GetProperty("name").GetString());
        Assert.DoesNotContain("#", rendered);
    }

    [Fact]
    public void AllParamsIterationExample_LinesWithOnlyDirectivesLeaveNoBlankLines()
    {
        const string text = """
            #set($allParams = $input.params())
            {
            #foreach($type in $allParams.keySet())
            "$type"#if($foreach.hasNext),#end
            #end
            }
            """;

        Assert.Equal("{\n\"path\",\n\"querystring\",\n\"header\"\n}", Render(text));
    }

    [Fact]
    public void WebSocketConnectExample_RendersContextAndParamsMap()
    {
        const string text = """{"connectionId": "$context.connectionId", "domain": "$context.domainName", "stage": "$context.stage", "params": "$input.params()"}""";
        var input = new TemplateInput
        {
            QueryParameters = Pairs(("progId", "5")),
            Headers = Pairs(("Host", "ws.example.com")),
            Context = new Dictionary<string, object?>
            {
                ["connectionId"] = "L0SM9cOFvHcCIhw=",
                ["domainName"] = "ws.example.com",
                ["stage"] = "prod",
            },
        };

        var rendered = Render(text, input);

        Assert.Equal(
            """{"connectionId": "L0SM9cOFvHcCIhw=", "domain": "ws.example.com", "stage": "prod", "params": "{path={}, querystring={progId=5}, header={Host=ws.example.com}}"}""",
            rendered);
        using var json = JsonDocument.Parse(rendered);
    }

    [Fact]
    public void InputJsonOfRoot_RendersBodyAsCompactJson()
    {
        var input = new TemplateInput { Body = """{ "a" : [1, 2.5, "x"], "b": {"c": null} }""" };

        Assert.Equal("""{"body": {"a":[1,2.5,"x"],"b":{"c":null}}}""", Render("""{"body": $input.json('$')}""", input));
    }

    [Fact]
    public void InputPathSize_CountsArray()
    {
        var input = new TemplateInput { Body = """{"pets": [{"id": 1}, {"id": 2}, {"id": 3}]}""" };

        Assert.Equal("3 3", Render("$input.path('$.pets').size() $input.path('$.pets').count()", input));
    }

    [Fact]
    public void ParseJsonOfErrorMessage_ReachesNestedArray()
    {
        var input = new TemplateInput { Body = """{"errorMessage": "{\"key1\":\"var1\",\"key2\":{\"arr\":[1,2,3]}}"}""" };

        Assert.Equal("1", Render("$util.parseJson($input.path('$.errorMessage')).key2.arr[0]", input));
    }

    [Theory]
    [InlineData("$util.base64Encode(\"hello\")", "aGVsbG8=")]
    [InlineData("$util.base64Decode('aGVsbG8=')", "hello")]
    [InlineData("$util.urlEncode(\"a b&c\")", "a+b%26c")]
    [InlineData("$util.urlDecode('a+b%26c')", "a b&c")]
    [InlineData("$util.escapeJavaScript(\"it's\")", "it\\'s")]
    [InlineData("$util.escapeJavaScript(\"it's\").replaceAll(\"\\\\'\",\"'\")", "it's")]
    public void UtilExamples_FromTheDocs(string text, string expected) => Assert.Equal(expected, Render(text));

    [Fact]
    public void EscapeJavaScriptWithDocsFix_GivesValidJson()
    {
        var input = new TemplateInput { Body = """{"name": "O'Brien \"the\" /one/\n"}""" };
        const string text = """{"name": "$util.escapeJavaScript($input.path('$.name')).replaceAll("\\'","'")"}""";

        using var json = JsonDocument.Parse(Render(text, input));

        Assert.Equal("O'Brien \"the\" /one/\n", json.RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public void StageVariables_AllThreeSpellings()
    {
        var input = new TemplateInput { StageVariables = new Dictionary<string, string> { ["name"] = "blue" } };

        Assert.Equal("blue blue blue", Render("$stageVariables.name $stageVariables['name'] ${stageVariables['name']}", input));
    }
}
