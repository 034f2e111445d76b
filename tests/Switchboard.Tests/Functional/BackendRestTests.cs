using System.Net;
using System.Text;
using System.Text.Json;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>
/// REST methods with a <c>lambda</c> integration (docs/integrations.md): the REST proxy event 1.0 and its result without a
/// template; the rendered template and a JSON 200 with one.
/// </summary>
public sealed class BackendRestTests
{
    // The seed's mapping template as users paste it (ordinary spaces instead of the web page's non-breaking ones).
    private const string SeedTemplate = "{\n    \"programId\": \"$input.params('progId')\",\n    \"domain\": \"$input.params('domain')\",\n    \"stage\": \"$input.params('stage')\"\n}";

    private static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> GetAsync(GatewayServer server, string path, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await server.Http.SendAsync(request).WaitAsync(TimeSpan.FromSeconds(20));
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    [Fact]
    public async Task ProxyMethod_GetsTheRestProxyEvent_AndItsResultIsTheAnswer()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("items", BackendReply.Proxy(201, "hello", new Dictionary<string, string> { ["X-Test"] = "1" }));
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.Rest(
            "/items/{id}", "GET", BackendDefinitions.Lambda(backend, "items"), new Dictionary<string, string> { ["color"] = "blue" }));

        var (status, body, response) = await GetAsync(server, "/dev/items/42?a=1&a=2&b=x", ("X-Custom", "v"), ("User-Agent", "rest-test"));
        using var _ = response;

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("hello", body);
        Assert.Equal("1", Assert.Single(response.Headers.GetValues("X-Test")));

        var evt = (await backend.WaitForSingleAsync("items")).Event;
        Assert.Equal("/items/{id}", evt.GetProperty("resource").GetString());
        // The path below the stage, as API Gateway's proxy event has it; the full path is requestContext.path.
        Assert.Equal("/items/42", evt.GetProperty("path").GetString());
        Assert.Equal("/dev/items/42", evt.GetProperty("requestContext").GetProperty("path").GetString());
        Assert.Equal("GET", evt.GetProperty("httpMethod").GetString());
        Assert.Equal("v", evt.GetProperty("headers").GetProperty("X-Custom").GetString());
        Assert.Equal(server.BaseAddress.Authority, evt.GetProperty("headers").GetProperty("Host").GetString());
        Assert.Equal(["v"], evt.GetProperty("multiValueHeaders").GetProperty("X-Custom").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("2", evt.GetProperty("queryStringParameters").GetProperty("a").GetString());
        Assert.Equal("x", evt.GetProperty("queryStringParameters").GetProperty("b").GetString());
        Assert.Equal(["1", "2"], evt.GetProperty("multiValueQueryStringParameters").GetProperty("a").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("{\"id\":\"42\"}", evt.GetProperty("pathParameters").GetRawText());
        Assert.Equal("{\"color\":\"blue\"}", evt.GetProperty("stageVariables").GetRawText());
        Assert.Equal(JsonValueKind.Null, evt.GetProperty("body").ValueKind);
        Assert.False(evt.GetProperty("isBase64Encoded").GetBoolean());
        var context = evt.GetProperty("requestContext");
        Assert.Equal("dev", context.GetProperty("stage").GetString());
        Assert.Equal("/items/{id}", context.GetProperty("resourcePath").GetString());
        Assert.Equal("GET", context.GetProperty("httpMethod").GetString());
        Assert.Equal(context.GetProperty("extendedRequestId").GetString(), context.GetProperty("requestId").GetString());
        Assert.Equal("127.0.0.1", context.GetProperty("identity").GetProperty("sourceIp").GetString());
        Assert.Equal("rest-test", context.GetProperty("identity").GetProperty("userAgent").GetString());
        BackendEventShape.AssertRequestTime(context);
    }

    [Fact]
    public async Task ProxyMethod_WithoutQueryOrStageVariables_SendsNulls_AndABodyAsText()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("plain", BackendReply.Proxy(200, "{\"ok\":true}", new Dictionary<string, string> { ["Content-Type"] = "application/json" }));
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.Rest("/plain", "POST", BackendDefinitions.Lambda(backend, "plain")));

        using var response = await server.SendAsync(HttpMethod.Post, "/dev/plain", body: Encoding.UTF8.GetBytes("posted text"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("{\"ok\":true}", await response.Content.ReadAsStringAsync());
        var evt = (await backend.WaitForSingleAsync("plain")).Event;
        Assert.Equal(JsonValueKind.Null, evt.GetProperty("queryStringParameters").ValueKind);
        Assert.Equal(JsonValueKind.Null, evt.GetProperty("multiValueQueryStringParameters").ValueKind);
        Assert.Equal(JsonValueKind.Null, evt.GetProperty("pathParameters").ValueKind);
        Assert.Equal(JsonValueKind.Null, evt.GetProperty("stageVariables").ValueKind);
        Assert.Equal("posted text", evt.GetProperty("body").GetString());
        Assert.False(evt.GetProperty("isBase64Encoded").GetBoolean());
    }

    [Theory]
    [InlineData("{\"notAStatus\":1}")]
    [InlineData("{\"statusCode\":200,\"body\":{\"an\":\"object\"}}")]
    [InlineData("null")]
    [InlineData("not json")]
    public async Task MalformedProxyResult_Answers502InternalServerError(string answer)
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("malformed", BackendReply.Raw(200, answer, "application/json"));
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.Rest("/m", "GET", BackendDefinitions.Lambda(backend, "malformed")));

        var (status, body, response) = await GetAsync(server, "/dev/m");
        using var _ = response;

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("{\"message\":\"Internal server error\"}", body);
    }

    [Fact]
    public async Task StringStatusCode_IsAccepted_AsApiGatewayDoes()
    {
        // AWS accepts {"statusCode": "201"} (checked against AWS by LocalStack's maintainers, localstack/localstack
        // pull request 11199), and Lambda blueprints of old returned string codes.
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("stringcode", BackendReply.Json("{\"statusCode\":\"201\",\"body\":\"made\"}"));
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.Rest("/s", "GET", BackendDefinitions.Lambda(backend, "stringcode")));

        var (status, body, response) = await GetAsync(server, "/dev/s");
        using var _ = response;

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("made", body);
    }

    [Theory]
    [InlineData("{\"statusCode\":true}")]
    [InlineData("{\"statusCode\":[200]}")]
    public async Task StatusCodeOfAnotherKind_IsAMalformedProxyResult_502(string answer)
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("oddcode", BackendReply.Json(answer));
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.Rest("/o", "GET", BackendDefinitions.Lambda(backend, "oddcode")));

        var (status, body, response) = await GetAsync(server, "/dev/o");
        using var _ = response;

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("{\"message\":\"Internal server error\"}", body);
    }

    [Fact]
    public async Task FunctionError_Answers502InternalServerError()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("boom", BackendReply.FunctionError());
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.Rest("/b", "GET", BackendDefinitions.Lambda(backend, "boom")));

        var (status, body, response) = await GetAsync(server, "/dev/b");
        using var _ = response;

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("{\"message\":\"Internal server error\"}", body);
    }

    [Fact]
    public async Task Timeout_Answers504EndpointRequestTimedOut()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("late", BackendReply.Proxy(200, "late").After(TimeSpan.FromSeconds(2)));
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.Rest("/t", "GET", BackendDefinitions.Lambda(backend, "late", timeoutMilliseconds: 300)));

        var (status, body, response) = await GetAsync(server, "/dev/t");
        using var _ = response;

        Assert.Equal(HttpStatusCode.GatewayTimeout, status);
        Assert.Equal("{\"message\":\"Endpoint request timed out\"}", body);
    }

    [Fact]
    public async Task TemplatedMethod_SendsTheRenderedTemplate_AndAnswersTheResultAsJsonWith200()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("receiver", BackendReply.Proxy(200, "sent"));
        var integration = BackendDefinitions.Lambda(backend, "receiver") with
        {
            RequestTemplates = new Dictionary<string, string> { ["application/json"] = SeedTemplate },
        };
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.Rest("/receiver", "GET", integration));

        var (status, body, response) = await GetAsync(server, "/dev/receiver?progId=5&domain=d");
        using var _ = response;

        var evt = (await backend.WaitForSingleAsync("receiver")).Event;
        Assert.Equal("{\"programId\":\"5\",\"domain\":\"d\",\"stage\":\"\"}", JsonSerializer.Serialize(evt));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("{\"statusCode\":200,\"body\":\"sent\"}", body);
    }
}
