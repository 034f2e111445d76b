using System.Text;
using Switchboard.Integrations;
using Switchboard.Routing;

namespace Switchboard.Tests.Routing;

/// <summary>Route selection as API Gateway does it (docs/integrations.md), on the compiled API the message path uses.</summary>
public sealed class RouteSelectionTests
{
    private sealed class Named(string name) : IRouteIntegration
    {
        public string Name { get; } = name;

        public bool RunsInline => true;

        public ValueTask<RouteResult> InvokeAsync(RouteInvocation invocation, CancellationToken cancellationToken) => ValueTask.FromResult(RouteResult.Ok);
    }

    private static WebSocketApiRuntime Api(string expression, bool withDefault, params string[] routeKeys)
    {
        Assert.True(RouteSelectionExpression.TryParse(expression, out var selector, out var error), error);
        var routes = routeKeys.ToDictionary(k => k, k => new RouteRuntime(k, new Named(k), TwoWay: false), StringComparer.Ordinal);
        return new WebSocketApiRuntime("api", "", new HashSet<string> { "dev" }, selector, routes, null, null, withDefault ? new RouteRuntime("$default", new Named("$default"), false) : null);
    }

    private static string? Select(WebSocketApiRuntime api, string message, bool isText = true) =>
        api.TrySelect(Encoding.UTF8.GetBytes(message), isText, out var route)
            ? $"{route.Key}={((Named)route.Integration).Name}"
            : null;

    [Theory]
    [InlineData("{\"action\":\"onMessage\"}", "onMessage=onMessage")]
    [InlineData("{\"action\" : \"onMessage\" , \"message\" :\"Hello\", \"key\" : \"1234\" }", "onMessage=onMessage")]
    [InlineData("{\"message\":\"x\",\"action\":\"onMessage\"}", "onMessage=onMessage")]
    [InlineData("{\"action\":\"on\\u004dessage\"}", "onMessage=onMessage")]
    [InlineData("{\"nested\":{\"action\":\"x\"},\"action\":\"onMessage\"}", "onMessage=onMessage")]
    [InlineData("{\"action\":\"first\",\"action\":\"onMessage\"}", "onMessage=onMessage")]
    public void MatchingAction_SelectsItsRoute(string message, string expected) =>
        Assert.Equal(expected, Select(Api("$request.body.action", withDefault: true, "onMessage"), message));

    [Theory]
    [InlineData("hi")]
    [InlineData("")]
    [InlineData("{\"action\":\"onMessage\"")]
    [InlineData("{\"action\":\"onMessage\"} trailing")]
    [InlineData("{action:\"onMessage\"}")]
    [InlineData("{\"action\":\"onMessage\",}")]
    [InlineData("{\"action\":\"OnMessage\"}")]
    [InlineData("{\"action\":\"onmessage\"}")]
    [InlineData("{\"action\":\" onMessage\"}")]
    [InlineData("{}")]
    [InlineData("{\"Action\":\"onMessage\"}")]
    [InlineData("[\"onMessage\"]")]
    [InlineData("\"onMessage\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("{\"action\":null}")]
    [InlineData("{\"action\":{\"x\":1}}")]
    [InlineData("{\"action\":[\"onMessage\"]}")]
    [InlineData("{\"data\":{\"action\":\"onMessage\"}}")]
    public void NonJsonMissingKeyOrNoMatch_GoesToDefault(string message) =>
        Assert.Equal("$default=$default", Select(Api("$request.body.action", withDefault: true, "onMessage"), message));

    [Theory]
    [InlineData("hi")]
    [InlineData("{\"action\":\"nope\"}")]
    [InlineData("{}")]
    public void WithoutDefault_NothingIsSelected(string message) =>
        Assert.Null(Select(Api("$request.body.action", withDefault: false, "onMessage"), message));

    [Fact]
    public void BinaryMessage_GoesToDefault_EvenWhenItIsJson() =>
        Assert.Equal("$default=$default", Select(Api("$request.body.action", withDefault: true, "onMessage"), "{\"action\":\"onMessage\"}", isText: false));

    [Fact]
    public void DeeplyNestedMessage_IsNotJson_AndGoesToDefault()
    {
        var deep = new string('[', 100_000) + new string(']', 100_000);
        Assert.Equal("$default=$default", Select(Api("$request.body.action", withDefault: true, "onMessage"), deep));
        var deepObject = "{\"action\":\"onMessage\",\"x\":" + new string('[', 1000) + new string(']', 1000) + "}";
        Assert.Equal("$default=$default", Select(Api("$request.body.action", withDefault: true, "onMessage"), deepObject));
    }

    [Theory]
    [InlineData("{\"service\":{\"do\":\"echo\"}}", "echo=echo")]
    [InlineData("{\"service\":{\"other\":1,\"do\":\"echo\"},\"do\":\"no\"}", "echo=echo")]
    [InlineData("{\"do\":\"echo\"}", "$default=$default")]
    [InlineData("{\"service\":\"echo\"}", "$default=$default")]
    [InlineData("{\"service\":{\"inner\":{\"do\":\"echo\"}}}", "$default=$default")]
    public void NestedPath_FollowsObjects(string message, string expected) =>
        Assert.Equal(expected, Select(Api("$request.body.service.do", withDefault: true, "echo"), message));

    [Theory]
    [InlineData("{\"action\":1}", "1")]
    [InlineData("{\"action\":true}", "true")]
    [InlineData("{\"action\":1.50}", "1.50")]
    public void NonStringValues_MatchTheirJsonText(string message, string routeKey) =>
        Assert.Equal($"{routeKey}={routeKey}", Select(Api("$request.body.action", withDefault: true, routeKey), message));

    [Theory]
    [InlineData("${request.body.service}/${request.body.action}", "{\"service\":\"chat\",\"action\":\"join\"}", "chat/join")]
    [InlineData("${request.body.action}-${request.body.invalidPath}", "{\"action\":\"join\"}", "join-")]
    [InlineData("${request.body.action}", "{\"action\":\"join\"}", "join")]
    [InlineData("action", "anything at all", "action")]
    [InlineData("\\$default", "{}", "$default")]
    public void Templates_EvaluateAsApiGatewayDocuments(string expression, string message, string expected)
    {
        Assert.True(RouteSelectionExpression.TryParse(expression, out var selector, out var error), error);
        Assert.True(selector.TryEvaluate(Encoding.UTF8.GetBytes(message), out var value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void Template_RoutesOnTheJoinedValue() =>
        Assert.Equal("chat/join=chat/join", Select(Api("${request.body.service}/${request.body.action}", withDefault: false, "chat/join"), "{\"service\":\"chat\",\"action\":\"join\"}"));

    [Fact]
    public void Template_OnNonJson_CannotBeEvaluated()
    {
        Assert.True(RouteSelectionExpression.TryParse("${request.body.a}-x", out var selector, out _));
        Assert.False(selector.TryEvaluate("not json"u8, out _));
    }

    [Theory]
    [InlineData("$request.header.x", "unsupported variable")]
    [InlineData("${request.body.a", "no closing")]
    [InlineData("$request.body.", "empty path segment")]
    [InlineData("$request.body.a..b", "empty path segment")]
    public void BadExpressions_AreRejectedWithAReason(string expression, string reason)
    {
        Assert.False(RouteSelectionExpression.TryParse(expression, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void VeryLongActionValue_DoesNotMatch_AndGoesToDefault()
    {
        var longKey = new string('a', 5000);
        Assert.Equal("$default=$default", Select(Api("$request.body.action", withDefault: true, longKey), $"{{\"action\":\"{longKey}\"}}"));
    }
}
