using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>The details of the seed's <c>onMessage</c> route (the README): keys, payload values, error frames.</summary>
public sealed class SeedMessageTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    /// <summary>Like <see cref="TestWebSocket.AssertNothingReceivedAsync"/>, naming what did arrive (an error frame says why nothing was broadcast).</summary>
    private static async Task AssertSenderGetsNothingAsync(TestWebSocket sender)
    {
        try
        {
            var message = await sender.ReceiveAsync(TimeSpan.FromSeconds(1));
            Assert.Fail($"the sender should get nothing back but got: {message.Text}");
        }
        catch (TimeoutException)
        {
        }
    }

    [Fact]
    public async Task NonJsonText_GetsTheForbiddenFrameInApiGatewaysLayout_AndTheSocketStaysOpen()
    {
        await using var server = await GatewayServer.StartAsync();
        var (a, id) = await server.ConnectWithIdAsync();
        await using var _ = a;
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync("hi");
        var first = SeedMessages.AssertErrorFrame(await a.ReceiveTextAsync(), "Forbidden");
        await a.SendTextAsync("hi");
        var second = SeedMessages.AssertErrorFrame(await a.ReceiveTextAsync(), "Forbidden");

        Assert.Equal(id, first.ConnectionId);
        Assert.Equal(id, second.ConnectionId);
        Assert.NotEqual(first.RequestId, second.RequestId);
        await b.AssertNothingReceivedAsync(Quiet);

        await a.SendTextAsync(SeedMessages.OnMessage("still open"));
        Assert.Equal("still open", await b.ReceiveTextAsync());
    }

    [Theory]
    [InlineData("{\"action\":\"onMessage\",\"key\":\"1234\"}")]
    [InlineData("{\"action\":\"onMessage\",\"key\":1234,\"other\":{\"message\":\"nested is not it\"}}")]
    public async Task RightKeyWithoutMessage_SendsBadRequestBodyToSenderOnly(string body)
    {
        await using var server = await GatewayServer.StartAsync();
        var (a, id) = await server.ConnectWithIdAsync();
        await using var _ = a;
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync(body);

        var frame = SeedMessages.AssertErrorFrame(await a.ReceiveTextAsync(), "Bad request body");
        Assert.Equal(id, frame.ConnectionId);
        await b.AssertNothingReceivedAsync(Quiet);
        await a.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task NumericKey_MatchesTheSecret()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync(SeedMessages.OnMessageJson("\"numeric key\"", "1234"));

        Assert.Equal("numeric key", await b.ReceiveTextAsync());
        await a.AssertNothingReceivedAsync(Quiet);
    }

    [Theory]
    [InlineData("\"123\"")]
    [InlineData("\"12345\"")]
    [InlineData("\"1234 \"")]
    [InlineData("\" 1234\"")]
    [InlineData("\"\"")]
    [InlineData("12345")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("{\"key\":\"1234\"}")]
    public async Task KeyThatIsNotTheSecretsText_GetsForbidden(string keyJson)
    {
        await using var server = await GatewayServer.StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync(SeedMessages.OnMessageJson("\"x\"", keyJson));

        SeedMessages.AssertErrorFrame(await a.ReceiveTextAsync(), "Forbidden");
        await b.AssertNothingReceivedAsync(Quiet);
    }

    [Fact]
    public async Task MissingKey_GetsForbidden()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync("{\"action\":\"onMessage\",\"message\":\"x\"}");

        SeedMessages.AssertErrorFrame(await a.ReceiveTextAsync(), "Forbidden");
        await b.AssertNothingReceivedAsync(Quiet);
    }

    [Theory]
    [InlineData("{\"a\": [1, 2.50], \"b\" : null}")]
    [InlineData("[ 1,\"two\" , true ]")]
    [InlineData("1.50")]
    [InlineData("-0")]
    [InlineData("1E3")]
    [InlineData("true")]
    [InlineData("{}")]
    public async Task NonStringMessage_IsBroadcastAsItsJsonTextExactlyAsReceived(string messageJson)
    {
        await using var server = await GatewayServer.StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync(SeedMessages.OnMessageJson(messageJson));

        Assert.Equal(messageJson, await b.ReceiveTextAsync());
    }

    [Theory]
    [InlineData("\"a\\\"b\\u00e9\"", "a\"b\u00e9")]
    [InlineData("\"line\\nbreak\\ttab\\\\slash\\/\"", "line\nbreak\ttab\\slash/")]
    [InlineData("\"\\ud83d\\ude00\"", "\U0001F600")]
    [InlineData("\"h\u00e9llo w\u00f6rld \U0001F600\"", "h\u00e9llo w\u00f6rld \U0001F600")]
    public async Task StringMessage_ArrivesUnescaped(string messageJson, string expected)
    {
        await using var server = await GatewayServer.StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync(SeedMessages.OnMessageJson(messageJson));

        Assert.Equal(expected, await b.ReceiveTextAsync());
    }

    [Fact]
    public async Task EscapedActionAndKey_AreMatchedOnTheirUnescapedText()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync("{\"action\":\"on\\u004dessage\",\"key\":\"\\u0031234\",\"message\":\"escaped\"}");

        Assert.Equal("escaped", await b.ReceiveTextAsync());
    }

    [Fact]
    public async Task MessageWithALoneSurrogateEscape_IsBroadcastWithTheReplacementCharacter()
    {
        // JSON.parse accepts "\ud800"; the seed's Lambda hands the string to postToConnection, whose UTF-8 encoding
        // turns the lone surrogate into U+FFFD. Valid JSON with the right key is never an internal error.
        await using var server = await GatewayServer.StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync(SeedMessages.OnMessageJson("\"\\ud800x\""));

        await AssertSenderGetsNothingAsync(a);
        Assert.Equal("\uFFFDx", await b.ReceiveTextAsync());
    }

    [Fact]
    public async Task ActionWithALoneSurrogateEscape_GetsForbidden_AndTheSocketStaysOpen()
    {
        // Valid JSON whose action matches no route: the Forbidden frame, and the socket stays open (the README).
        await using var server = await GatewayServer.StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync("{\"action\":\"\\ud800\"}");

        var reply = await a.ReceiveAsync();
        Assert.True(reply.Type == System.Net.WebSockets.WebSocketMessageType.Text, $"expected the Forbidden frame, got {reply.Type} {reply.CloseStatus}");
        SeedMessages.AssertErrorFrame(reply.Text, "Forbidden");
        await a.SendTextAsync(SeedMessages.OnMessage("still open"));
        Assert.Equal("still open", await b.ReceiveTextAsync());
    }

    [Fact]
    public async Task KeyWithALoneSurrogateEscape_GetsForbidden()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync(SeedMessages.OnMessageJson("\"x\"", "\"\\ud800\""));

        SeedMessages.AssertErrorFrame(await a.ReceiveTextAsync(), "Forbidden");
        await b.AssertNothingReceivedAsync(Quiet);
    }

    [Fact]
    public async Task DeeplyNestedJsonMessage_IsStillJson_AndIsBroadcast()
    {
        // 100 levels of arrays: valid JSON that JSON.parse reads, so the seed broadcasts it as its JSON text.
        var nested = new string('[', 100) + new string(']', 100);
        await using var server = await GatewayServer.StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync(SeedMessages.OnMessageJson(nested));

        await AssertSenderGetsNothingAsync(a);
        Assert.Equal(nested, await b.ReceiveTextAsync());
    }

    [Fact]
    public async Task KeysInAnyOrderWithWhitespace_StillRoute()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync("\r\n {\n \"key\" : \"1234\" ,\t\"message\" : \"reordered\" , \"action\" : \"onMessage\" } \n");

        Assert.Equal("reordered", await b.ReceiveTextAsync());
    }

    [Fact]
    public async Task DuplicateMessageField_TheLastOneWins_AsJsonParseDoes()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync("{\"action\":\"onMessage\",\"message\":\"first\",\"key\":\"1234\",\"message\":\"second\"}");

        Assert.Equal("second", await b.ReceiveTextAsync());
    }

    [Theory]
    [InlineData("OnMessage")]
    [InlineData("onmessage")]
    [InlineData("ONMESSAGE")]
    [InlineData("onMessage ")]
    public async Task RouteKeys_AreCaseSensitiveAndExact(string action)
    {
        await using var server = await GatewayServer.StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync($"{{\"action\":\"{action}\",\"message\":\"x\",\"key\":\"1234\"}}");

        SeedMessages.AssertErrorFrame(await a.ReceiveTextAsync(), "Forbidden");
        await b.AssertNothingReceivedAsync(Quiet);
    }

    [Theory]
    [InlineData("[\"onMessage\"]")]
    [InlineData("\"onMessage\" trailing")]
    [InlineData("{\"action\":\"onMessage\",\"message\":\"x\",\"key\":\"1234\"")]
    [InlineData("")]
    [InlineData("null")]
    public async Task TextThatIsNotAJsonObjectWithAnAction_GetsForbidden(string text)
    {
        await using var server = await GatewayServer.StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync(text);

        SeedMessages.AssertErrorFrame(await a.ReceiveTextAsync(), "Forbidden");
        await b.AssertNothingReceivedAsync(Quiet);
    }

    [Fact]
    public async Task BroadcastKeyFromTheEnvironment_ReplacesTheDemoKey()
    {
        const string secret = "s3cret-from-the-environment";
        await using var server = await GatewayServer.StartAsync(environment: new Dictionary<string, string> { ["SWITCHBOARD_BROADCAST_KEY"] = secret });
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync(SeedMessages.OnMessage("demo key", "1234"));
        SeedMessages.AssertErrorFrame(await a.ReceiveTextAsync(), "Forbidden");
        await a.SendTextAsync(SeedMessages.OnMessageJson("\"numeric demo key\"", "1234"));
        SeedMessages.AssertErrorFrame(await a.ReceiveTextAsync(), "Forbidden");

        await a.SendTextAsync(SeedMessages.OnMessage("configured key", secret));
        Assert.Equal("configured key", await b.ReceiveTextAsync());
        await b.AssertNothingReceivedAsync(Quiet);
    }

    [Fact]
    public async Task SenderAlone_BroadcastReachesNobody_AndNothingComesBack()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var a = await server.ConnectAsync();

        await a.SendTextAsync(SeedMessages.OnMessage("into the void"));

        await a.AssertNothingReceivedAsync(Quiet);
    }

    [Fact]
    public async Task BroadcastsFromOneSender_ArriveInTheOrderSent()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        for (var i = 0; i < 200; i++)
        {
            await a.SendTextAsync(SeedMessages.OnMessage($"m{i}"));
        }

        for (var i = 0; i < 200; i++)
        {
            Assert.Equal($"m{i}", await b.ReceiveTextAsync());
        }
    }
}
