using System.Net.WebSockets;
using System.Text.Json;
using Switchboard.Definition;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>Mapping templates on WebSocket routes: the rendered template, not the proxy event, is what the function gets.</summary>
public sealed class BackendTemplateTests
{
    private const string ConnectTemplate =
        "{ \"connectionId\": \"$context.connectionId\", \"domain\": \"$context.domainName\", \"stage\": \"$context.stage\", \"token\": \"$input.params('token')\", \"agent\": \"$input.params('user-agent')\" }";

    private const string MessageTemplate = """
        #set($body = $input.path('$'))
        {
          "from": "$context.connectionId",
          "route": "$context.routeKey",
          "type": "$context.eventType",
          "text": "$util.escapeJavaScript($body.text).replaceAll("\\'","'")",
          "count": $body.items.size(),
          "raw": $input.json('$.items')
        }
        """;

    [Fact]
    public async Task ConnectTemplate_SeesTheHandshakesQueryStringHeadersAndContext()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("tpl-connect", BackendReply.Proxy(200));
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.WebSocket(new Dictionary<string, RouteDefinition>
        {
            ["$connect"] = BackendDefinitions.Route(WithTemplate(BackendDefinitions.Lambda(backend, "tpl-connect"), ConnectTemplate)),
        }));

        using var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        socket.Options.SetRequestHeader("User-Agent", "template-test");
        await socket.ConnectAsync(new Uri($"ws://{server.BaseAddress.Authority}/dev?token=abc%20def"), CancellationToken.None).WaitAsync(TestWebSocket.DefaultTimeout);

        var evt = (await backend.WaitForSingleAsync("tpl-connect")).Event;
        Assert.Matches("^[A-Za-z0-9_-]{16}$", evt.GetProperty("connectionId").GetString());
        Assert.Equal(server.BaseAddress.Authority, evt.GetProperty("domain").GetString());
        Assert.Equal("dev", evt.GetProperty("stage").GetString());
        Assert.Equal("abc def", evt.GetProperty("token").GetString());
        Assert.Equal("template-test", evt.GetProperty("agent").GetString());
        Assert.False(evt.TryGetProperty("requestContext", out _));
    }

    [Fact]
    public async Task MessageTemplate_RendersTheBodyAndContext_AndTheAnswerStillReachesTheSender()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("tpl-say", BackendReply.Proxy(200, "rendered"));
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.WebSocket(new Dictionary<string, RouteDefinition>
        {
            ["say"] = BackendDefinitions.Route(WithTemplate(BackendDefinitions.Lambda(backend, "tpl-say"), MessageTemplate), twoWay: true),
        }));
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("{\"action\":\"say\",\"text\":\"it's \\\"quoted\\\"\",\"items\":[1,2,3]}");

        Assert.Equal("rendered", await client.ReceiveTextAsync());
        var evt = (await backend.WaitForSingleAsync("tpl-say")).Event;
        Assert.Matches("^[A-Za-z0-9_-]{16}$", evt.GetProperty("from").GetString());
        Assert.Equal("say", evt.GetProperty("route").GetString());
        Assert.Equal("MESSAGE", evt.GetProperty("type").GetString());
        // escapeJavaScript writes \' (not JSON); the replaceAll is the fix API Gateway's documentation gives.
        Assert.Equal("it's \"quoted\"", evt.GetProperty("text").GetString());
        Assert.Equal(3, evt.GetProperty("count").GetInt32());
        Assert.Equal("[1,2,3]", JsonSerializer.Serialize(evt.GetProperty("raw")));
    }

    [Fact]
    public async Task TemplateThatFailsToRender_GivesTheInternalServerErrorFrame_AndTheNextMessageStillWorks()
    {
        await using var backend = await BackendServer.StartAsync();
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.WebSocket(new Dictionary<string, RouteDefinition>
        {
            ["parse"] = BackendDefinitions.Route(WithTemplate(BackendDefinitions.Lambda(backend, "tpl-parse"), "$util.parseJson($input.path('$.inner')).a")),
        }));
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("{\"action\":\"parse\",\"inner\":\"not json\"}");

        SeedMessages.AssertErrorFrame(await client.ReceiveTextAsync(), "Internal server error");
        await client.SendTextAsync("{\"action\":\"parse\",\"inner\":\"{\\\"a\\\":1}\"}");
        Assert.Equal("1", (await backend.WaitForSingleAsync("tpl-parse")).Body);
    }

    private static IntegrationDefinition WithTemplate(IntegrationDefinition integration, string template) =>
        integration with { RequestTemplates = new Dictionary<string, string> { ["application/json"] = template } };
}
