using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Switchboard.Definition;
using Switchboard.Registry;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>
/// <c>$connect</c> authorizers with real processes: a <c>lambda</c> REQUEST authorizer (the backend plays the Lambda
/// Invoke API) and an <c>http</c> one, as API Gateway calls them; the <c>apiKey</c> authorizer against the key store.
/// A refusal is the authorizer's 401, 403 or 500 and leaves no connection; an admitted connection carries the
/// principal and context on every later event and in GET @connections.
/// </summary>
public sealed class ConnectAuthorizerTests
{
    private const string Token = "Bearer good-token";

    [Fact]
    public async Task LambdaAuthorizer_Allows_AndThePrincipalAndContextRideOnEveryEvent_AndOnGet()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("auth", r => Task.FromResult(Allow(r.Event, "user-7", """{"role":"admin","level":3,"beta":true}""")));
        backend.Handle("msg", BackendReply.Proxy(200));
        await using var server = await GatewayServer.StartAsync(Definition(backend, new AuthorizerDefinition { Type = "lambda", Endpoint = backend.Endpoint, Function = "auth" }));

        await using var client = await ConnectAsync(server, Token);
        await client.SendTextAsync("{\"action\":\"x\"}");

        var authorizerEvent = (await backend.WaitForSingleAsync("auth")).Event;
        Assert.Equal("REQUEST", authorizerEvent.GetProperty("type").GetString());
        Assert.EndsWith("/dev/$connect", authorizerEvent.GetProperty("methodArn").GetString(), StringComparison.Ordinal);
        Assert.Equal(Token, authorizerEvent.GetProperty("headers").GetProperty("Authorization").GetString());
        Assert.Equal("CONNECT", authorizerEvent.GetProperty("requestContext").GetProperty("eventType").GetString());
        var connectionId = authorizerEvent.GetProperty("requestContext").GetProperty("connectionId").GetString();
        Assert.Equal(JsonValueKind.Object, authorizerEvent.GetProperty("stageVariables").ValueKind);

        var message = (await backend.WaitForSingleAsync("msg")).Event;
        var authorizer = message.GetProperty("requestContext").GetProperty("authorizer");
        Assert.Equal("user-7", authorizer.GetProperty("principalId").GetString());
        Assert.Equal("admin", authorizer.GetProperty("role").GetString());
        Assert.Equal("3", authorizer.GetProperty("level").GetString());
        Assert.Equal("true", authorizer.GetProperty("beta").GetString());

        var row = await server.Registry.GetAsync(connectionId!).AsTask().WaitAsync(TestWebSocket.DefaultTimeout);
        Assert.Equal("user-7", row?.PrincipalId);

        using var get = await server.SendAsync(HttpMethod.Get, $"/dev/@connections/{connectionId}");
        using var described = JsonDocument.Parse(await get.Content.ReadAsStringAsync());
        Assert.Equal("user-7", described.RootElement.GetProperty("authorizer").GetProperty("principalId").GetString());
    }

    [Fact]
    public async Task MissingIdentitySource_Is401_WithoutCallingTheAuthorizer()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("auth", r => Task.FromResult(Allow(r.Event, "user", "{}")));
        await using var server = await GatewayServer.StartAsync(Definition(backend, new AuthorizerDefinition
        {
            Type = "lambda", Endpoint = backend.Endpoint, Function = "auth", IdentitySource = ["route.request.querystring.token"],
        }));

        Assert.Equal(401, await BackendTestKit.RefusedStatusAsync(server));
        Assert.Equal(401, await BackendTestKit.RefusedStatusAsync(server, "?token="));
        Assert.Empty(backend.RequestsTo("auth"));

        await using var admitted = await ConnectAsync(server, token: null, query: "?token=abc");
        Assert.Single(backend.RequestsTo("auth"));
    }

    [Theory]
    [InlineData("deny", 403)]
    [InlineData("other-route", 403)]
    [InlineData("unauthorized", 401)]
    [InlineData("throws-unauthorized", 401)]
    [InlineData("throws", 500)]
    [InlineData("garbage", 500)]
    public async Task LambdaAuthorizer_Refusals_AreItsStatus_AndLeaveNoConnection(string behaviour, int status)
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("auth", r => Task.FromResult(behaviour switch
        {
            "deny" => Policy(r.Event, "user", "Deny", r.Event.GetProperty("methodArn").GetString()!),
            "other-route" => Policy(r.Event, "user", "Allow", r.Event.GetProperty("methodArn").GetString()!.Replace("/dev/$connect", "/prod/$connect", StringComparison.Ordinal)),
            "unauthorized" => BackendReply.Json("\"Unauthorized\""),
            "throws-unauthorized" => BackendReply.FunctionError() with { Body = "{\"errorType\":\"Error\",\"errorMessage\":\"Unauthorized\"}" },
            "throws" => BackendReply.FunctionError(),
            _ => BackendReply.Json("{\"no\":\"policy\"}"),
        }));
        await using var server = await GatewayServer.StartAsync(Definition(backend, new AuthorizerDefinition { Type = "lambda", Endpoint = backend.Endpoint, Function = "auth" }));

        Assert.Equal(status, await BackendTestKit.RefusedStatusAsync(server, configure: o => o.SetRequestHeader("Authorization", Token)));

        // $connect (registry.save) never ran: no row.
        Assert.Empty(await server.Registry.ListAsync(new ConnectionQuery()).AsTask().WaitAsync(TestWebSocket.DefaultTimeout));
    }

    [Fact]
    public async Task HttpAuthorizer_Allows_Refuses401And403ByStatus_AndIsCachedPerIdentity()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("/authorize", r => Task.FromResult(r.Event.GetProperty("headers").GetProperty("Authorization").GetString() switch
        {
            Token => Allow(r.Event, "cached-user", "{}"),
            "Bearer forbidden" => BackendReply.Raw(403, "no"),
            _ => BackendReply.Raw(401, "who?"),
        }));
        var logs = new CapturedLogs();
        await using var server = await GatewayServer.StartAsync(Definition(backend, new AuthorizerDefinition
        {
            Type = "http", Uri = backend.Url("/authorize"), ResultTtlSeconds = 300,
        }), logs: logs);

        await using (var first = await ConnectAsync(server, Token))
        await using (var second = await ConnectAsync(server, Token))
        {
            // The second handshake with the same identity value reused the first answer.
            Assert.Single(backend.RequestsTo("/authorize"));
        }

        Assert.Equal(403, await BackendTestKit.RefusedStatusAsync(server, configure: o => o.SetRequestHeader("Authorization", "Bearer forbidden")));
        Assert.Equal(401, await BackendTestKit.RefusedStatusAsync(server, configure: o => o.SetRequestHeader("Authorization", "Bearer nobody")));

        // Refusing is the authorizer's answer, not a backend failing: no "answered 403" warning (event 600).
        Assert.Equal(0, logs.Count("BackendInvoker", 600));
    }

    [Fact]
    public async Task AuthorizerNotListening_Is500()
    {
        var definition = TestDefinitions.WithWebSocketApi(api => api with
        {
            Authorizer = new AuthorizerDefinition { Type = "http", Uri = BackendServer.ClosedEndpoint() + "/authorize" },
        });
        await using var server = await GatewayServer.StartAsync(definition);

        Assert.Equal(500, await BackendTestKit.RefusedStatusAsync(server, configure: o => o.SetRequestHeader("Authorization", Token)));
    }

    [Fact]
    public async Task ApiKeyAuthorizer_AdmitsAKeyInTheHeaderOrTheNamedQueryParameter_AndRefusesOthersWith403()
    {
        var definition = TestDefinitions.WithWebSocketApi(api => api with
        {
            Authorizer = new AuthorizerDefinition { Type = "apiKey", QueryParameter = "apiKey" },
        });
        await using var server = await GatewayServer.StartAsync(definition);
        var key = await server.CreateKeyAsync("browser-app");

        await using (var byHeader = await ConnectAsync(server, token: null, configure: o => o.SetRequestHeader("x-api-key", key)))
        await using (var byQuery = await ConnectAsync(server, token: null, query: "?apiKey=" + key))
        {
            var rows = await server.Registry.ListAsync(new ConnectionQuery()).AsTask().WaitAsync(TestWebSocket.DefaultTimeout);
            Assert.Equal(2, rows.Count);
        }

        Assert.Equal(403, await BackendTestKit.RefusedStatusAsync(server));
        Assert.Equal(403, await BackendTestKit.RefusedStatusAsync(server, "?apiKey=not-a-key-at-all-0000000"));
        Assert.True(await server.ApiKeys.RevokeAsync("browser-app"));
        Assert.Equal(403, await BackendTestKit.RefusedStatusAsync(server, "?apiKey=" + key));
    }

    private static GatewayDefinition Definition(BackendServer backend, AuthorizerDefinition authorizer)
    {
        var definition = BackendDefinitions.WebSocket(new Dictionary<string, RouteDefinition>
        {
            ["$connect"] = new RouteDefinition { Integration = new IntegrationDefinition { Type = "registry.save" } },
            ["$default"] = BackendDefinitions.Route(BackendDefinitions.Lambda(backend, "msg")),
        });
        return definition with { WebSocketApis = [definition.WebSocketApis[0] with { Authorizer = authorizer }] };
    }

    private static async Task<TestWebSocket> ConnectAsync(GatewayServer server, string? token, string query = "", Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        if (token is not null)
        {
            socket.Options.SetRequestHeader("Authorization", token);
        }

        configure?.Invoke(socket.Options);
        await socket.ConnectAsync(new Uri(server.WebSocketUri() + query), CancellationToken.None).WaitAsync(TestWebSocket.DefaultTimeout);
        return new TestWebSocket(socket);
    }

    private static BackendReply Allow(JsonElement authorizerEvent, string principal, string contextJson) =>
        Policy(authorizerEvent, principal, "Allow", authorizerEvent.GetProperty("methodArn").GetString()!, contextJson);

    private static BackendReply Policy(JsonElement authorizerEvent, string principal, string effect, string resource, string contextJson = "{}") =>
        BackendReply.Json($$"""
            {"principalId":"{{principal}}","policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"{{effect}}","Resource":"{{resource}}"}]},"context":{{contextJson}}}
            """);
}

/// <summary>A connection an <c>apiKey</c> authorizer admitted spends its key's usage plan with every message.</summary>
public sealed class ApiKeyMessagePlanTests
{
    [Fact]
    public async Task TheKeysThrottle_RefusesTheSixthImmediateMessage_WithTooManyRequests_AndRefills()
    {
        var definition = TestDefinitions.WithWebSocketApi(api => api with { Authorizer = new AuthorizerDefinition { Type = "apiKey" } }) with
        {
            UsagePlans = [new UsagePlanDefinition { Name = "five", Throttle = new ThrottleDefinition { RateLimit = 5, BurstLimit = 5 } }],
            DefaultUsagePlan = "five",
        };
        await using var server = await GatewayServer.StartAsync(definition, time: new TestClock());
        var key = await server.CreateKeyAsync("chatty", "five");
        await using var sender = await Connect(server, key);
        await using var receiver = await Connect(server, key);

        for (var i = 1; i <= 5; i++)
        {
            await sender.SendTextAsync(SeedMessages.OnMessage($"m{i}"));
            Assert.Equal($"m{i}", await receiver.ReceiveTextAsync());
        }

        await sender.SendTextAsync(SeedMessages.OnMessage("m6"));
        var refused = await sender.ReceiveTextAsync();
        Assert.StartsWith("{\"message\": \"Too Many Requests\", \"connectionId\":", refused, StringComparison.Ordinal);

        server.Clock!.Advance(TimeSpan.FromSeconds(1));
        await sender.SendTextAsync(SeedMessages.OnMessage("m7"));
        Assert.Equal("m7", await receiver.ReceiveTextAsync());
    }

    [Fact]
    public async Task TheKeysQuota_RefusesMessagesPastIt_WithLimitExceeded()
    {
        var definition = TestDefinitions.WithWebSocketApi(api => api with { Authorizer = new AuthorizerDefinition { Type = "apiKey" } }) with
        {
            UsagePlans = [new UsagePlanDefinition { Name = "two", Quota = new QuotaDefinition { Limit = 2, Period = "DAY" } }],
            DefaultUsagePlan = "two",
        };
        await using var server = await GatewayServer.StartAsync(definition, sqlite: true);
        var key = await server.CreateKeyAsync("counted", "two");
        await using var sender = await Connect(server, key);
        await using var receiver = await Connect(server, await server.CreateKeyAsync("listener", "two"));

        await sender.SendTextAsync(SeedMessages.OnMessage("one"));
        Assert.Equal("one", await receiver.ReceiveTextAsync());
        await sender.SendTextAsync(SeedMessages.OnMessage("two"));
        Assert.Equal("two", await receiver.ReceiveTextAsync());
        await sender.SendTextAsync(SeedMessages.OnMessage("three"));

        Assert.StartsWith("{\"message\": \"Limit Exceeded\", \"connectionId\":", await sender.ReceiveTextAsync(), StringComparison.Ordinal);
    }

    private static async Task<TestWebSocket> Connect(GatewayServer server, string key)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        socket.Options.SetRequestHeader("x-api-key", key);
        await socket.ConnectAsync(server.WebSocketUri(), CancellationToken.None).WaitAsync(TestWebSocket.DefaultTimeout);
        return new TestWebSocket(socket);
    }
}
