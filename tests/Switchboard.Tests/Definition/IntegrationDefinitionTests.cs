using System.Text.Json;
using Switchboard.Definition;

namespace Switchboard.Tests.Definition;

// The lambda and http integration types' settings. Each case puts one integration on the seed's onMessage route (or
// changes one thing) and expects exactly the listed errors, as `switchboard serve` prints them.
public sealed class IntegrationDefinitionTests
{
    private const string F = "switchboard.json: ";
    private const string Ws = "$.webSocketApis[0]";
    private const string OnMessage = Ws + ".routes.onMessage";
    private const string Integration = OnMessage + ".integration";
    private const string Rest = "$.restApis[0].resources['/receiver'].methods.GET.integration";
    private const string LambdaSettings = "endpoint, function, sign, timeoutMilliseconds, maxConcurrency, requestTemplates";
    private const string HttpSettings = "uri, timeoutMilliseconds, maxConcurrency, requestTemplates";
    private const string Endpoint = "\"endpoint\": \"http://127.0.0.1:9001\"";

    private static string Load(params (string Path, string Value)[] edits) =>
        JsonEdit.Apply(SeedDefinition.ToJson(SeedDefinition.Create()), edits);

    [Theory]
    [InlineData("{ \"type\": \"lambda\", \"function\": \"f\" }", F + Integration + ".endpoint: an endpoint is required; e.g. http://127.0.0.1:9001")]
    [InlineData("{ \"type\": \"lambda\", " + Endpoint + " }", F + Integration + ".function: a function is required: the name or ARN of the function to invoke")]
    [InlineData("{ \"type\": \"lambda\", \"endpoint\": \"ftp://127.0.0.1:9001\", \"function\": \"f\" }",
        F + Integration + ".endpoint: 'ftp://127.0.0.1:9001' is not an http:// or https:// URL; e.g. http://127.0.0.1:9001")]
    [InlineData("{ \"type\": \"lambda\", \"endpoint\": \"127.0.0.1:9001\", \"function\": \"f\" }",
        F + Integration + ".endpoint: '127.0.0.1:9001' is not an http:// or https:// URL; e.g. http://127.0.0.1:9001")]
    [InlineData("{ \"type\": \"lambda\", " + Endpoint + ", \"function\": \"my function\" }",
        F + Integration + ".function: invalid function 'my function'; expected a function name or ARN (letters, digits, '-', '_', ':', '.')")]
    [InlineData("{ \"type\": \"lambda\", " + Endpoint + ", \"function\": \"f\", \"timeoutMilliseconds\": 0 }",
        F + Integration + ".timeoutMilliseconds: 0 is out of range; expected 50 to 29000 (API Gateway's limit is 29 seconds)")]
    [InlineData("{ \"type\": \"lambda\", " + Endpoint + ", \"function\": \"f\", \"timeoutMilliseconds\": 30000 }",
        F + Integration + ".timeoutMilliseconds: 30000 is out of range; expected 50 to 29000 (API Gateway's limit is 29 seconds)")]
    [InlineData("{ \"type\": \"lambda\", " + Endpoint + ", \"function\": \"f\", \"maxConcurrency\": 0 }",
        F + Integration + ".maxConcurrency: 0 is out of range; expected 1 to 10000")]
    [InlineData("{ \"type\": \"lambda\", " + Endpoint + ", \"function\": \"f\", \"uri\": \"http://127.0.0.1:5000/events\" }",
        F + Integration + ".uri: 'uri' does not apply to lambda; it takes " + LambdaSettings)]
    [InlineData("{ \"type\": \"http\", \"uri\": \"http://127.0.0.1:5000/events\", " + Endpoint + " }",
        F + Integration + ".endpoint: 'endpoint' does not apply to http; it takes " + HttpSettings)]
    [InlineData("{ \"type\": \"http\" }", F + Integration + ".uri: a uri is required; e.g. http://127.0.0.1:5000/events")]
    [InlineData("{ \"type\": \"http\", \"uri\": \"ws://127.0.0.1:5000/events\" }",
        F + Integration + ".uri: 'ws://127.0.0.1:5000/events' is not an http:// or https:// URL; e.g. http://127.0.0.1:5000/events")]
    [InlineData("{ \"type\": \"http\", \"uri\": \"http://127.0.0.1:5000/events\", \"requestTemplates\": { \"text/plain\": \"{}\" } }",
        F + Integration + ".requestTemplates['text/plain']: unsupported content type 'text/plain'; only application/json templates are used")]
    [InlineData("{ \"type\": \"lambda\", " + Endpoint + ", \"function\": \"f\", \"payload\": \"$request.body.message\" }",
        F + Integration + ".payload: 'payload' does not apply to lambda; it takes " + LambdaSettings)]
    public void WebSocketRouteIntegration_ReportsExactlyThatError(string integration, params string[] expected)
    {
        var result = DefinitionLoader.LoadFromJson(Load((Integration, integration)), "switchboard.json");

        Assert.Equal(expected, result.Errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData(OnMessage + ".routeResponseSelectionExpression", "\"$request.body.x\"",
        F + OnMessage + ".routeResponseSelectionExpression: unsupported value '$request.body.x'; only $default is allowed (two-way route), as in API Gateway")]
    [InlineData(Ws + ".routes['$disconnect'].routeResponseSelectionExpression", "\"$default\"",
        F + Ws + ".routes['$disconnect'].routeResponseSelectionExpression: a route response is not allowed on $disconnect: the client is gone")]
    public void RouteResponseSelectionExpression_ReportsExactlyThatError(string path, string value, string expected)
    {
        var result = DefinitionLoader.LoadFromJson(Load((Integration, "{ \"type\": \"lambda\", " + Endpoint + ", \"function\": \"f\" }"), (path, value)), "switchboard.json");

        Assert.Equal([expected], result.Errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("{\"a\": \"$input.params('x')\"\n#if($x)\n}", "line 2, column 1: #if is not closed with #end")]
    [InlineData("#foreach($x in)\n#end", "line 1, column 15: unexpected ')' in an expression; expected a $reference, a string, a number, true, false, [list] or {map}")]
    public void TemplateWithASyntaxError_IsReportedWithItsLineAndColumn(string template, string expected)
    {
        var integration = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["type"] = "lambda",
            ["endpoint"] = "http://127.0.0.1:9001",
            ["function"] = "receiver",
            ["requestTemplates"] = new Dictionary<string, string> { ["application/json"] = template },
        });

        var result = DefinitionLoader.LoadFromJson(Load((Rest, integration)), "switchboard.json");

        Assert.Equal([F + Rest + ".requestTemplates['application/json']: " + expected], result.Errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("{ \"type\": \"lambda\", " + Endpoint + ", \"function\": \"f\", \"timeoutMilliseconds\": 50, \"maxConcurrency\": 10000, \"sign\": false }")]
    [InlineData("{ \"type\": \"lambda\", \"endpoint\": \"https://lambda.eu-west-1.amazonaws.com\", \"function\": \"arn:aws:lambda:eu-west-1:123456789012:function:f:$LATEST\", \"timeoutMilliseconds\": 29000 }")]
    [InlineData("{ \"type\": \"http\", \"uri\": \"https://example.com/events?x=1\", \"maxConcurrency\": 1 }")]
    public void ValidBackendIntegration_Loads(string integration)
    {
        var result = DefinitionLoader.LoadFromJson(Load((Integration, integration)), "switchboard.json");

        Assert.Empty(result.Errors.Select(e => e.ToString()));
        Assert.True(result.Succeeded);
    }

    [Fact]
    public void BackendIntegrationsOnEveryRouteAndTheRestMethod_Load()
    {
        const string lambda = "{ \"type\": \"lambda\", " + Endpoint + ", \"function\": \"f\" }";
        var result = DefinitionLoader.LoadFromJson(
            Load(
                (Ws + ".routes['$connect'].integration", lambda),
                (Ws + ".routes['$disconnect'].integration", lambda),
                (Integration, lambda),
                (OnMessage + ".routeResponseSelectionExpression", "\"$default\""),
                (Rest, "{ \"type\": \"http\", \"uri\": \"http://127.0.0.1:5000/receiver\" }")),
            "switchboard.json");

        Assert.Empty(result.Errors.Select(e => e.ToString()));
    }
}
