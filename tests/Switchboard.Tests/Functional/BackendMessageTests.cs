using Switchboard.Definition;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>What the sender of a message gets back from a <c>lambda</c> route (docs/integrations.md).</summary>
public sealed class BackendMessageTests
{
    /// <summary>A server whose only route is <c>$default</c>, invoking <paramref name="function"/>.</summary>
    private static Task<GatewayServer> StartAsync(BackendServer backend, string function, bool twoWay = false, int? timeoutMilliseconds = null) =>
        GatewayServer.StartAsync(BackendDefinitions.WebSocket(new Dictionary<string, RouteDefinition>
        {
            ["$default"] = BackendDefinitions.Route(BackendDefinitions.Lambda(backend, function, timeoutMilliseconds), twoWay),
        }));

    private static string ConnectionIdOfSingle(IReadOnlyList<RecordedRequest> requests) => BackendTestKit.ConnectionIdOf(requests[0].Event);

    [Fact]
    public async Task FunctionError_SendsInternalServerError_AndTheSocketStaysOpen()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("throws", r => Task.FromResult(
            r.Event.GetProperty("body").GetString() == "fail" ? BackendReply.FunctionError() : BackendReply.Proxy(200, "fine")));
        await using var server = await StartAsync(backend, "throws", twoWay: true);
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("fail");

        var frame = SeedMessages.AssertErrorFrame(await client.ReceiveTextAsync(), "Internal server error");
        Assert.Equal(ConnectionIdOfSingle(await backend.WaitForRequestsAsync(1, target: "throws")), frame.ConnectionId);
        await client.SendTextAsync("again");
        Assert.Equal("fine", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task FunctionError_OnAOneWayRoute_StillSendsTheErrorFrame()
    {
        // API Gateway sends error frames on one-way routes too (simple-websockets-chat-app issue 24).
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("oneway-throws", BackendReply.FunctionError());
        await using var server = await StartAsync(backend, "oneway-throws");
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("x");

        SeedMessages.AssertErrorFrame(await client.ReceiveTextAsync(), "Internal server error");
    }

    [Fact]
    public async Task Timeout_SendsEndpointRequestTimedOut_AndTheSocketStaysOpen()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("slow", r => Task.FromResult(r.Event.GetProperty("body").GetString() == "slow"
            ? BackendReply.Proxy(200, "late").After(TimeSpan.FromSeconds(2))
            : BackendReply.Proxy(200, "quick")));
        await using var server = await StartAsync(backend, "slow", twoWay: true, timeoutMilliseconds: 300);
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("slow");

        var frame = SeedMessages.AssertErrorFrame(await client.ReceiveTextAsync(), "Endpoint request timed out");
        Assert.Equal(ConnectionIdOfSingle(await backend.WaitForRequestsAsync(1, target: "slow")), frame.ConnectionId);
        await client.SendTextAsync("fast");
        Assert.Equal("quick", await client.ReceiveTextAsync());
        await client.AssertNothingReceivedAsync(BackendTestKit.Quiet);
    }

    [Theory]
    [InlineData(500, "{\"statusCode\":200,\"body\":\"hidden\"}")]
    [InlineData(404, "not found")]
    [InlineData(200, "this is not json")]
    [InlineData(200, "{\"statusCode\":200,\"body\":")]
    public async Task BackendFailureOrGarbage_SendsInternalServerError(int status, string body)
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("garbage", BackendReply.Raw(status, body));
        await using var server = await StartAsync(backend, "garbage", twoWay: true);
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("x");

        SeedMessages.AssertErrorFrame(await client.ReceiveTextAsync(), "Internal server error");
        await client.AssertNothingReceivedAsync(BackendTestKit.Quiet);
    }

    [Theory]
    [InlineData(403, "x")]
    [InlineData(200, "hello")]
    [InlineData(500, "{\"message\":\"no\"}")]
    public async Task OneWayRoute_SendsNothingBack_WhateverTheStatus(int status, string body)
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("oneway", BackendReply.Proxy(status, body));
        await using var server = await StartAsync(backend, "oneway");
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("x");

        await backend.WaitForRequestsAsync(1, target: "oneway");
        await client.AssertNothingReceivedAsync(BackendTestKit.Quiet);
    }

    [Theory]
    [InlineData(200, "hello back")]
    [InlineData(403, "{\"message\":\"forbidden, but sent\"}")]
    [InlineData(200, "h\u00e9llo \U0001F600")]
    public async Task TwoWayRoute_SendsExactlyTheBody(int status, string body)
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("twoway", BackendReply.Proxy(status, body));
        await using var server = await StartAsync(backend, "twoway", twoWay: true);
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("x");

        Assert.Equal(body, await client.ReceiveTextAsync());
        await client.AssertNothingReceivedAsync(BackendTestKit.Quiet);
    }

    [Fact]
    public async Task TwoWayRoute_WithAStringStatusCode_StillSendsTheBody()
    {
        // API Gateway takes {"statusCode": "200"} as 200 (localstack/localstack pull request 11199 checked it on AWS).
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("stringcode", BackendReply.Json("{\"statusCode\":\"200\",\"body\":\"string code\"}"));
        await using var server = await StartAsync(backend, "stringcode", twoWay: true);
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("x");

        Assert.Equal("string code", await client.ReceiveTextAsync());
    }

    [Theory]
    [InlineData("{\"statusCode\":200,\"body\":\"\"}")]
    [InlineData("{\"statusCode\":200}")]
    [InlineData("null")]
    [InlineData("{\"statusCode\":200,\"body\":null}")]
    public async Task TwoWayRoute_WithAnEmptyBody_SendsNothing(string answer)
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("empty", BackendReply.Json(answer));
        await using var server = await StartAsync(backend, "empty", twoWay: true);
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("x");

        await backend.WaitForRequestsAsync(1, target: "empty");
        await client.AssertNothingReceivedAsync(BackendTestKit.Quiet);
    }

    [Fact]
    public async Task TwoWayRoute_OnANamedRoute_GetsTheRouteKeyInTheEvent()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("echo", r => Task.FromResult(BackendReply.Proxy(200, r.Event.GetProperty("requestContext").GetProperty("routeKey").GetString())));
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.WebSocket(new Dictionary<string, RouteDefinition>
        {
            ["sendmessage"] = BackendDefinitions.Route(BackendDefinitions.Lambda(backend, "echo"), twoWay: true),
        }));
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("{\"action\":\"sendmessage\",\"data\":1}");

        Assert.Equal("sendmessage", await client.ReceiveTextAsync());
    }
}
