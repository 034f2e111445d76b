using System.Net;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary><c>GET /{stage}/receiver?progId=N</c> with an API key: the seed's REST receiver (the README).</summary>
public sealed class RestBroadcastTests
{
    private const string ForbiddenBody = "{\"message\":\"Forbidden\"}";
    private const string BadProgIdBody = "{\"message\":\"progId must be a positive number\"}";
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private static async Task AssertForbiddenAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(ForbiddenBody, await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.TryGetValues("x-amzn-ErrorType", out var type), "x-amzn-ErrorType header missing");
        Assert.Equal("ForbiddenException", Assert.Single(type));
    }

    [Fact]
    public async Task NoKey_Gets403Forbidden_AndNothingIsSent()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var client = await server.ConnectAsync();

        using var response = await server.SendAsync(HttpMethod.Get, "/dev/receiver?progId=1");

        await AssertForbiddenAsync(response);
        await client.AssertNothingReceivedAsync(Quiet);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-key")]
    [InlineData("1234")]
    public async Task UnknownKey_Gets403Forbidden(string key)
    {
        await using var server = await GatewayServer.StartAsync();
        var real = await server.CreateKeyAsync("real");
        await using var client = await server.ConnectAsync();

        using var response = await server.SendAsync(HttpMethod.Get, "/dev/receiver?progId=1", key);
        using var almost = await server.SendAsync(HttpMethod.Get, "/dev/receiver?progId=1", real[..^1]);

        await AssertForbiddenAsync(response);
        await AssertForbiddenAsync(almost);
        await client.AssertNothingReceivedAsync(Quiet);
    }

    [Fact]
    public async Task RevokedKey_Gets403_FromTheNextRequestOn()
    {
        await using var server = await GatewayServer.StartAsync();
        var key = await server.CreateKeyAsync("to-revoke");
        await using var client = await server.ConnectAsync();
        using (var before = await server.SendAsync(HttpMethod.Get, "/dev/receiver?progId=1", key))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            Assert.Equal("1", await client.ReceiveTextAsync());
        }

        Assert.True(await server.ApiKeys.RevokeAsync("to-revoke"));

        using var after = await server.SendAsync(HttpMethod.Get, "/dev/receiver?progId=2", key);
        await AssertForbiddenAsync(after);
        await client.AssertNothingReceivedAsync(Quiet);
    }

    [Fact]
    public async Task GoodKey_SendsToEveryClientOfTheStage_AndCountsThem()
    {
        await using var server = await GatewayServer.StartAsync();
        var key = await server.CreateKeyAsync("good");
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();
        await using var c = await server.ConnectAsync();

        using var response = await server.SendAsync(HttpMethod.Get, "/dev/receiver?progId=42", key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"statusCode\":200,\"sent\":3}", await response.Content.ReadAsStringAsync());
        Assert.Equal("42", await a.ReceiveTextAsync());
        Assert.Equal("42", await b.ReceiveTextAsync());
        Assert.Equal("42", await c.ReceiveTextAsync());
        await a.AssertNothingReceivedAsync(Quiet);
    }

    [Fact]
    public async Task GoodKey_WithNoClients_Answers200WithSentZero()
    {
        await using var server = await GatewayServer.StartAsync();
        var key = await server.CreateKeyAsync("lonely");

        using var response = await server.SendAsync(HttpMethod.Get, "/dev/receiver?progId=3", key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"statusCode\":200,\"sent\":0}", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("7", "7")]
    [InlineData("007", "7")]
    [InlineData("1e3", "1000")]
    [InlineData("1e21", "1e+21")]
    [InlineData("1e20", "100000000000000000000")]
    [InlineData("Infinity", "Infinity")]
    [InlineData("1.50", "1.5")]
    [InlineData("0.1", "0.1")]
    [InlineData("1e-7", "1e-7")]
    [InlineData("0x10", "16")]
    [InlineData("%2B5", "5")]
    [InlineData("%2042%20", "42")]
    [InlineData("123456789012345678901", "123456789012345680000")]
    public async Task ProgId_IsSentAsJavaScriptPrintsTheNumber(string query, string expected)
    {
        await using var server = await GatewayServer.StartAsync();
        var key = await server.CreateKeyAsync("numbers");
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        using var response = await server.SendAsync(HttpMethod.Get, "/dev/receiver?progId=" + query, key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"statusCode\":200,\"sent\":2}", await response.Content.ReadAsStringAsync());
        Assert.Equal(expected, await a.ReceiveTextAsync());
        Assert.Equal(expected, await b.ReceiveTextAsync());
    }

    [Theory]
    [InlineData("/dev/receiver?progId=abc")]
    [InlineData("/dev/receiver?progId=0")]
    [InlineData("/dev/receiver?progId=-1")]
    [InlineData("/dev/receiver?progId=-Infinity")]
    [InlineData("/dev/receiver?progId=")]
    [InlineData("/dev/receiver?progId")]
    [InlineData("/dev/receiver")]
    [InlineData("/dev/receiver?progId=NaN")]
    [InlineData("/dev/receiver?progId=12abc")]
    [InlineData("/dev/receiver?progId=1e400x")]
    public async Task InvalidProgId_Gets400_AndNothingIsSent(string path)
    {
        await using var server = await GatewayServer.StartAsync();
        var key = await server.CreateKeyAsync("invalid");
        await using var client = await server.ConnectAsync();

        using var response = await server.SendAsync(HttpMethod.Get, path, key);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(BadProgIdBody, await response.Content.ReadAsStringAsync());
        await client.AssertNothingReceivedAsync(Quiet);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("bad-key")]
    public async Task KeyIsCheckedBeforeTheParameters(string? key)
    {
        await using var server = await GatewayServer.StartAsync();
        await server.CreateKeyAsync("exists");

        using var badProgId = await server.SendAsync(HttpMethod.Get, "/dev/receiver?progId=abc", key);
        using var badStage = await server.SendAsync(HttpMethod.Get, "/dev/receiver?progId=1&stage=prod", key);

        await AssertForbiddenAsync(badProgId);
        await AssertForbiddenAsync(badStage);
    }

    [Fact]
    public async Task UnknownStageParameter_Gets400NamingTheStage_AndNothingIsSent()
    {
        await using var server = await GatewayServer.StartAsync();
        var key = await server.CreateKeyAsync("stage");
        await using var client = await server.ConnectAsync();

        using var response = await server.SendAsync(HttpMethod.Get, "/dev/receiver?progId=1&stage=prod", key);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("{\"message\":\"unknown stage 'prod'\"}", await response.Content.ReadAsStringAsync());
        await client.AssertNothingReceivedAsync(Quiet);
    }

    [Fact]
    public async Task DomainParameter_IsAcceptedAndIgnored()
    {
        await using var server = await GatewayServer.StartAsync();
        var key = await server.CreateKeyAsync("domain");
        await using var client = await server.ConnectAsync();

        using var response = await server.SendAsync(HttpMethod.Get, "/dev/receiver?domain=example.outsystemscloud.com&progId=9", key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"statusCode\":200,\"sent\":1}", await response.Content.ReadAsStringAsync());
        Assert.Equal("9", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task EmptyStageParameter_MeansTheRequestsOwnStage()
    {
        await using var server = await GatewayServer.StartAsync();
        var key = await server.CreateKeyAsync("empty-stage");
        await using var client = await server.ConnectAsync("dev");

        using var response = await server.SendAsync(HttpMethod.Get, "/dev/receiver?progId=4&stage=", key);

        Assert.Equal("{\"statusCode\":200,\"sent\":1}", await response.Content.ReadAsStringAsync());
        Assert.Equal("4", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task AKeyOnSqlite_WorksAtOnce()
    {
        await using var server = await GatewayServer.StartAsync(sqlite: true);
        var key = await server.CreateKeyAsync("sqlite-key");
        await using var client = await server.ConnectAsync();

        using var response = await server.SendAsync(HttpMethod.Get, "/dev/receiver?progId=8", key);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("8", await client.ReceiveTextAsync());

        Assert.True(await server.ApiKeys.RevokeAsync("sqlite-key"));
        using var revoked = await server.SendAsync(HttpMethod.Get, "/dev/receiver?progId=8", key);
        await AssertForbiddenAsync(revoked);
    }

    [Fact]
    public async Task KeyHeaderName_IsCaseInsensitive()
    {
        await using var server = await GatewayServer.StartAsync();
        var key = await server.CreateKeyAsync("header-case");
        await using var client = await server.ConnectAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dev/receiver?progId=11");
        request.Headers.TryAddWithoutValidation("X-API-Key", key);

        using var response = await server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("11", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task KeyInTheQueryString_DoesNotCount()
    {
        await using var server = await GatewayServer.StartAsync();
        var key = await server.CreateKeyAsync("query-key");

        using var response = await server.SendAsync(HttpMethod.Get, $"/dev/receiver?progId=1&x-api-key={key}");

        await AssertForbiddenAsync(response);
    }
}
