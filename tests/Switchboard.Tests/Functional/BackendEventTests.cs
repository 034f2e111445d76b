using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>
/// The Lambda proxy events a <c>lambda</c> route gets (docs/integrations.md), field for field against events API Gateway
/// really sent. Fixtures: apigw-connect-2024.json from typelevel/feral's ApiGatewayV2WebSocketEventSuite (February
/// 2024, wscat client); apigw-connect-2020.json from aws-samples/simple-websockets-chat-app test/OnConnectEvent.json
/// (April 2020, browser, with a query string); apigw-message-2024.json and apigw-disconnect-2024.json from
/// aws/aws-lambda-go events/testdata/apigw-websocket-request-send-message.json and -disconnect.json (January 2024).
/// </summary>
public sealed class BackendEventTests
{
    private const string UserAgentPath = "$.requestContext.identity.userAgent";

    private static SortedDictionary<string, string> ExpectedShape(string fixture, bool withUserAgent, bool withQuery = false)
    {
        var shape = BackendEventShape.Of(BackendEventShape.Fixture(fixture));
        if (withUserAgent)
        {
            // The 2024 events carry identity.userAgent exactly when the client sent one.
            shape[UserAgentPath] = "string";
        }
        else
        {
            shape.Remove(UserAgentPath);
        }

        if (withQuery)
        {
            foreach (var (path, kind) in BackendEventShape.Of(BackendEventShape.Fixture("apigw-connect-2020.json")))
            {
                if (path.StartsWith("$.queryStringParameters", StringComparison.Ordinal) || path.StartsWith("$.multiValueQueryStringParameters", StringComparison.Ordinal))
                {
                    shape[path] = kind;
                }
            }
        }

        return shape;
    }

    private static void AssertCommonContext(JsonElement context, GatewayServer server, string connectionId, string eventType, string routeKey)
    {
        Assert.Equal(server.BaseAddress.Authority, context.GetProperty("domainName").GetString());
        Assert.Equal(BackendDefinitions.Stage, context.GetProperty("stage").GetString());
        Assert.Equal(connectionId, context.GetProperty("connectionId").GetString());
        Assert.Equal(eventType, context.GetProperty("eventType").GetString());
        Assert.Equal(routeKey, context.GetProperty("routeKey").GetString());
        Assert.Equal("IN", context.GetProperty("messageDirection").GetString());
        Assert.Equal(context.GetProperty("extendedRequestId").GetString(), context.GetProperty("requestId").GetString());
        Assert.Equal("127.0.0.1", context.GetProperty("identity").GetProperty("sourceIp").GetString());
        Assert.True(context.GetProperty("requestTimeEpoch").GetInt64() >= context.GetProperty("connectedAt").GetInt64(), "requestTimeEpoch before connectedAt");
        BackendEventShape.AssertRequestTime(context);
        Assert.Equal(eventType == "MESSAGE", context.TryGetProperty("messageId", out _));
    }

    private static Dictionary<string, string> Headers(JsonElement evt) =>
        evt.GetProperty("headers").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);

    [Fact]
    public async Task ConnectMessageDisconnect_MatchApiGatewaysEvents_WithOurValues()
    {
        await using var backend = await BackendServer.StartAsync();
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.LambdaLifecycle(backend, "events"));
        var userAgent = "switchboard-tests/" + Guid.NewGuid().ToString("N");
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        socket.Options.SetRequestHeader("User-Agent", userAgent);
        socket.Options.SetRequestHeader("X-Custom-Header", "custom value");
        await socket.ConnectAsync(new Uri(server.WebSocketUri() + "?token=abc&x=1&x=2"), CancellationToken.None).WaitAsync(TestWebSocket.DefaultTimeout);
        await using var client = new TestWebSocket(socket);

        var connect = (await backend.WaitForSingleAsync("events-connect")).Event;
        var context = connect.GetProperty("requestContext");
        var id = context.GetProperty("connectionId").GetString()!;
        BackendEventShape.AssertSame(ExpectedShape("apigw-connect-2024.json", withUserAgent: true, withQuery: true), BackendEventShape.Of(connect), "CONNECT");
        AssertCommonContext(context, server, id, "CONNECT", "$connect");
        Assert.Equal(userAgent, context.GetProperty("identity").GetProperty("userAgent").GetString());
        var headers = Headers(connect);
        Assert.Equal(server.BaseAddress.Authority, headers["Host"]);
        Assert.Equal("custom value", headers["X-Custom-Header"]);
        Assert.Equal(userAgent, headers["User-Agent"]);
        Assert.Equal("127.0.0.1", headers["X-Forwarded-For"]);
        Assert.Equal(server.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), headers["X-Forwarded-Port"]);
        Assert.Equal("http", headers["X-Forwarded-Proto"]);
        Assert.DoesNotContain(headers.Keys, k => k.Equals("Connection", StringComparison.OrdinalIgnoreCase) || k.Equals("Upgrade", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(
            headers.Keys.Order(StringComparer.Ordinal),
            connect.GetProperty("multiValueHeaders").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("abc", connect.GetProperty("queryStringParameters").GetProperty("token").GetString());
        Assert.Equal("2", connect.GetProperty("queryStringParameters").GetProperty("x").GetString());
        Assert.Equal(["1", "2"], connect.GetProperty("multiValueQueryStringParameters").GetProperty("x").EnumerateArray().Select(v => v.GetString()));
        Assert.False(connect.GetProperty("isBase64Encoded").GetBoolean());

        using (var known = await server.SendAsync(HttpMethod.Get, $"/dev/@connections/{id}"))
        {
            Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        }

        await client.SendTextAsync("{\r\n\t\"a\": 1\r\n}");
        var message = (await backend.WaitForSingleAsync("events-default")).Event;
        var messageContext = message.GetProperty("requestContext");
        BackendEventShape.AssertSame(ExpectedShape("apigw-message-2024.json", withUserAgent: true), BackendEventShape.Of(message), "MESSAGE");
        AssertCommonContext(messageContext, server, id, "MESSAGE", "$default");
        Assert.Equal("{\r\n\t\"a\": 1\r\n}", message.GetProperty("body").GetString());
        Assert.False(message.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Matches("^[A-Za-z0-9_=-]{16}$", messageContext.GetProperty("messageId").GetString());
        Assert.Equal(context.GetProperty("connectedAt").GetInt64(), messageContext.GetProperty("connectedAt").GetInt64());

        await client.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WaitAsync(TestWebSocket.DefaultTimeout);
        var disconnect = (await backend.WaitForSingleAsync("events-disconnect")).Event;
        var disconnectContext = disconnect.GetProperty("requestContext");
        BackendEventShape.AssertSame(ExpectedShape("apigw-disconnect-2024.json", withUserAgent: true), BackendEventShape.Of(disconnect), "DISCONNECT");
        AssertCommonContext(disconnectContext, server, id, "DISCONNECT", "$disconnect");
        Assert.Equal(1000, disconnectContext.GetProperty("disconnectStatusCode").GetInt32());
        Assert.Equal("bye", disconnectContext.GetProperty("disconnectReason").GetString());
        Assert.Equal(context.GetProperty("connectedAt").GetInt64(), disconnectContext.GetProperty("connectedAt").GetInt64());
        Assert.Equal(
            new Dictionary<string, string> { ["Host"] = server.BaseAddress.Authority, ["x-api-key"] = "", ["X-Forwarded-For"] = "", ["x-restapi"] = "" },
            Headers(disconnect));
        var requestIds = new[] { context, messageContext, disconnectContext }.Select(c => c.GetProperty("requestId").GetString()).ToList();
        Assert.Equal(3, requestIds.Distinct().Count());
    }

    [Fact]
    public async Task ConnectWithoutQueryString_HasNoQueryFields_AndNoUserAgentWhenNoneWasSent()
    {
        await using var backend = await BackendServer.StartAsync();
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.LambdaLifecycle(backend, "plain"));
        await using var client = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/dev");

        var connect = (await backend.WaitForSingleAsync("plain-connect")).Event;

        BackendEventShape.AssertSame(ExpectedShape("apigw-connect-2024.json", withUserAgent: false), BackendEventShape.Of(connect), "CONNECT");
        Assert.False(connect.TryGetProperty("queryStringParameters", out _));
        Assert.False(connect.GetProperty("requestContext").GetProperty("identity").TryGetProperty("userAgent", out _));
    }

    [Fact]
    public async Task BinaryMessage_IsSentInBase64_WithIsBase64Encoded()
    {
        await using var backend = await BackendServer.StartAsync();
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.LambdaLifecycle(backend, "binary"));
        var (client, _) = await BackendTestKit.ConnectAsync(server, backend, "binary");
        await using var _ = client;
        var bytes = new byte[] { 0, 1, 2, 0xFF, 0xFE, (byte)'a' };

        await client.SendBinaryAsync(bytes);

        var message = (await backend.WaitForSingleAsync("binary-default")).Event;
        BackendEventShape.AssertSame(ExpectedShape("apigw-message-2024.json", withUserAgent: true), BackendEventShape.Of(message), "binary MESSAGE");
        Assert.True(message.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal(Convert.ToBase64String(bytes), message.GetProperty("body").GetString());
    }

    [Fact]
    public async Task CloseWithoutStatus_Disconnects_With1005AndApiGatewaysReason()
    {
        await using var backend = await BackendServer.StartAsync();
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.LambdaLifecycle(backend, "nostatus"));
        await using var client = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/dev");
        var id = (await backend.WaitForSingleAsync("nostatus-connect")).Event.GetProperty("requestContext").GetProperty("connectionId").GetString();

        await client.SendFrameAsync(RawFrame.Close, Array.Empty<byte>());

        var disconnect = (await backend.WaitForSingleAsync("nostatus-disconnect")).Event;
        BackendEventShape.AssertSame(ExpectedShape("apigw-disconnect-2024.json", withUserAgent: false), BackendEventShape.Of(disconnect), "DISCONNECT");
        var context = disconnect.GetProperty("requestContext");
        Assert.Equal(id, context.GetProperty("connectionId").GetString());
        Assert.Equal(1005, context.GetProperty("disconnectStatusCode").GetInt32());
        Assert.Equal("Client-side close frame status not set", context.GetProperty("disconnectReason").GetString());
    }

    [Fact]
    public async Task BothHandshakePaths_ProduceTheSameConnectEvent()
    {
        // An escaped path is not taken by the raw-socket handshake parser (HandshakeRequest hands it to Kestrel), so the
        // same request with '/%64ev' instead of '/dev' goes through Kestrel's upgrade endpoint.
        await using var backend = await BackendServer.StartAsync();
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.LambdaLifecycle(backend, "paths"));
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        string Head(string path) =>
            $"GET {path}?token=abc&x=1&x=2 HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nUser-Agent: paths-test\r\nX-Custom-Header: one\r\nX-Custom-Header: two\r\n\r\n";

        var raw = await RawWebSocketClient.HandshakeResponseAsync(server.BaseAddress, Head("/dev"));
        var first = (await backend.WaitForRequestsAsync(1, target: "paths-connect"))[0].Event;
        var kestrel = await RawWebSocketClient.HandshakeResponseAsync(server.BaseAddress, Head("/%64ev"));
        var second = (await backend.WaitForRequestsAsync(2, target: "paths-connect"))[1].Event;

        Assert.StartsWith("HTTP/1.1 101", raw, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 101", kestrel, StringComparison.Ordinal);
        Assert.Equal(Comparable(first), Comparable(second));
        Assert.Equal(["one", "two"], first.GetProperty("multiValueHeaders").GetProperty("X-Custom-Header").EnumerateArray().Select(v => v.GetString()));
    }

    /// <summary>The event without what differs between any two connections (ids and times).</summary>
    private static string Comparable(JsonElement evt)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(evt.GetRawText())!;
        var context = node["requestContext"]!.AsObject();
        foreach (var name in new[] { "connectionId", "requestId", "extendedRequestId", "requestTime", "requestTimeEpoch", "connectedAt" })
        {
            Assert.True(context.Remove(name), $"requestContext.{name} missing");
        }

        return node.ToJsonString();
    }
}
