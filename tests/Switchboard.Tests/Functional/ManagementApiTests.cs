using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>The <c>@connections</c> management API (the README, API Gateway's documented behaviour).</summary>
public sealed partial class ManagementApiTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private static readonly HttpMethod[] AllMethods = [HttpMethod.Post, HttpMethod.Get, HttpMethod.Delete];

    [GeneratedRegex("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$")]
    private static partial Regex IsoMilliseconds();

    private static async Task AssertGoneAsync(GatewayServer server, HttpMethod method, string path)
    {
        using var response = await server.SendAsync(method, path, body: method == HttpMethod.Post ? Encoding.UTF8.GetBytes("x") : null);
        Assert.True(response.StatusCode == HttpStatusCode.Gone, $"{method} {Shorten(path)}: expected 410, got {(int)response.StatusCode}");
        Assert.True(response.Headers.TryGetValues("x-amzn-ErrorType", out var type), $"{method} {Shorten(path)}: x-amzn-ErrorType header missing");
        Assert.Equal("GoneException", Assert.Single(type));
    }

    private static string Shorten(string path) => path.Length > 80 ? path[..80] + "..." : path;

    private static async Task<JsonElement> GetConnectionAsync(GatewayServer server, string stage, string id)
    {
        using var response = await server.SendAsync(HttpMethod.Get, $"/{stage}/@connections/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.Clone();
    }

    [Fact]
    public async Task Post_DeliversTheBodyAsOneTextFrame_ToThatConnectionOnly()
    {
        await using var server = await GatewayServer.StartAsync();
        var (target, id) = await server.ConnectWithIdAsync();
        await using var _ = target;
        await using var other = await server.ConnectAsync();
        var data = "{\"hello\": \"w\u00f6rld\"} \U0001F600";

        using var response = await server.SendAsync(HttpMethod.Post, $"/dev/@connections/{id}", body: Encoding.UTF8.GetBytes(data));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = await target.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Text, message.Type);
        Assert.Equal(data, message.Text);
        await target.AssertNothingReceivedAsync(Quiet);
        await other.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Post_OfBytesThatAreNotUtf8_ArrivesAsOneBinaryFrame()
    {
        await using var server = await GatewayServer.StartAsync();
        var (target, id) = await server.ConnectWithIdAsync();
        await using var _ = target;
        byte[] data = [0x00, 0xFF, 0xFE, 0xC3, 0x28, 0x80, 0x41];

        using var response = await server.SendAsync(HttpMethod.Post, $"/dev/@connections/{id}", body: data);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = await target.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Binary, message.Type);
        Assert.Equal(data, message.Bytes);
    }

    [Fact]
    public async Task Post_ManyInARow_ArriveInOrder()
    {
        await using var server = await GatewayServer.StartAsync();
        var (target, id) = await server.ConnectWithIdAsync();
        await using var _ = target;

        for (var i = 0; i < 50; i++)
        {
            using var response = await server.SendAsync(HttpMethod.Post, $"/dev/@connections/{id}", body: Encoding.UTF8.GetBytes($"p{i}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal($"p{i}", await target.ReceiveTextAsync());
        }
    }

    [Fact]
    public async Task Post_ThroughThePercentEncodedPathTheAwsSdksSend_Works()
    {
        await using var server = await GatewayServer.StartAsync();
        var (target, id) = await server.ConnectWithIdAsync();
        await using var _ = target;

        using var response = await server.SendAsync(HttpMethod.Post, $"/dev/%40connections/{id}", body: Encoding.UTF8.GetBytes("encoded"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("encoded", await target.ReceiveTextAsync());
    }

    [Fact]
    public async Task Post_OfExactlyTheMessageLimit_IsDelivered()
    {
        await using var server = await GatewayServer.StartAsync();
        var (target, id) = await server.ConnectWithIdAsync();
        await using var _ = target;
        var data = Encoding.UTF8.GetBytes(new string('x', 131_072));

        using var response = await server.SendAsync(HttpMethod.Post, $"/dev/@connections/{id}", body: data);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(131_072, (await target.ReceiveTextAsync()).Length);
    }

    [Fact]
    public async Task Post_OverTheMessageLimit_Gets413PayloadTooLarge_AndNothingIsSent()
    {
        await using var server = await GatewayServer.StartAsync();
        var (target, id) = await server.ConnectWithIdAsync();
        await using var _ = target;

        using var response = await server.SendAsync(HttpMethod.Post, $"/dev/@connections/{id}", body: new byte[131_073]);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.True(response.Headers.TryGetValues("x-amzn-ErrorType", out var type), "x-amzn-ErrorType header missing");
        Assert.Equal("PayloadTooLargeException", Assert.Single(type));
        await target.AssertNothingReceivedAsync(Quiet);
    }

    [Fact]
    public async Task Post_OverTheMessageLimitWithoutContentLength_Gets413()
    {
        await using var server = await GatewayServer.StartAsync();
        var (target, id) = await server.ConnectWithIdAsync();
        await using var _ = target;
        var request = new HttpRequestMessage(HttpMethod.Post, $"/dev/@connections/{id}") { Content = new ChunkedContent(new byte[200 * 1024]) };

        using var response = await server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await target.AssertNothingReceivedAsync(Quiet);
    }

    [Fact]
    public async Task Get_DescribesTheConnection_InAwsShape()
    {
        await using var server = await GatewayServer.StartAsync();
        var userAgent = "shape-test/1.0 (" + Guid.NewGuid().ToString("N") + ")";
        var before = DateTimeOffset.UtcNow;
        var (client, id) = await server.ConnectWithIdAsync(userAgent: userAgent);
        await using var _ = client;

        var json = await GetConnectionAsync(server, "dev", id);

        Assert.Equal(["connectedAt", "identity", "lastActiveAt"], json.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var identity = json.GetProperty("identity");
        Assert.Equal(["sourceIp", "userAgent"], identity.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("127.0.0.1", identity.GetProperty("sourceIp").GetString());
        Assert.Equal(userAgent, identity.GetProperty("userAgent").GetString());
        var connectedAt = json.GetProperty("connectedAt").GetString()!;
        var lastActiveAt = json.GetProperty("lastActiveAt").GetString()!;
        Assert.Matches(IsoMilliseconds(), connectedAt);
        Assert.Matches(IsoMilliseconds(), lastActiveAt);

        // Generous bounds: this checks the clock and the time zone, not speed.
        var connected = DateTimeOffset.Parse(connectedAt, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(connected, before.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.True(DateTimeOffset.Parse(lastActiveAt, System.Globalization.CultureInfo.InvariantCulture) >= connected, "lastActiveAt before connectedAt");
    }

    [Fact]
    public async Task Get_LastActiveAtMoves_WhenTheClientSends()
    {
        await using var server = await GatewayServer.StartAsync();
        var (client, id) = await server.ConnectWithIdAsync();
        await using var _ = client;
        var first = (await GetConnectionAsync(server, "dev", id)).GetProperty("lastActiveAt").GetString()!;
        var connectedAt = (await GetConnectionAsync(server, "dev", id)).GetProperty("connectedAt").GetString()!;

        // Timestamps have millisecond precision: keep talking until the clock has moved on.
        await Eventually.TrueAsync(async () =>
        {
            await client.SendTextAsync("hi");
            SeedMessages.AssertErrorFrame(await client.ReceiveTextAsync(), "Forbidden");
            var now = (await GetConnectionAsync(server, "dev", id)).GetProperty("lastActiveAt").GetString()!;
            return string.CompareOrdinal(now, first) > 0;
        }, what: "lastActiveAt moving forward after the client sent a message");

        var after = await GetConnectionAsync(server, "dev", id);
        Assert.Equal(connectedAt, after.GetProperty("connectedAt").GetString());
    }

    [Fact]
    public async Task Get_LastActiveAtStaysPut_WhenOnlyTheServerSends()
    {
        await using var server = await GatewayServer.StartAsync();
        var (client, id) = await server.ConnectWithIdAsync();
        await using var _ = client;
        await client.SendTextAsync("hi");
        SeedMessages.AssertErrorFrame(await client.ReceiveTextAsync(), "Forbidden");
        var first = (await GetConnectionAsync(server, "dev", id)).GetProperty("lastActiveAt").GetString()!;

        // Let the clock move on by more than a millisecond while only the server talks.
        var clock = Stopwatch.StartNew();
        do
        {
            using var response = await server.SendAsync(HttpMethod.Post, $"/dev/@connections/{id}", body: "ping"u8.ToArray());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("ping", await client.ReceiveTextAsync());
        }
        while (clock.ElapsedMilliseconds < 50);

        Assert.Equal(first, (await GetConnectionAsync(server, "dev", id)).GetProperty("lastActiveAt").GetString());
    }

    [Fact]
    public async Task Delete_Answers204_AndClosesTheClientWith1000()
    {
        await using var server = await GatewayServer.StartAsync();
        var (target, id) = await server.ConnectWithIdAsync();
        await using var _ = target;
        await using var other = await server.ConnectAsync();

        using var response = await server.SendAsync(HttpMethod.Delete, $"/dev/@connections/{id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(1000, await target.ReceiveCloseAsync());
        await other.SendTextAsync("hi");
        SeedMessages.AssertErrorFrame(await other.ReceiveTextAsync(), "Forbidden");
    }

    [Fact]
    public async Task AfterDelete_EveryMethodGets410Gone()
    {
        await using var server = await GatewayServer.StartAsync();
        var (target, id) = await server.ConnectWithIdAsync();
        await using var _ = target;
        using (var deleted = await server.SendAsync(HttpMethod.Delete, $"/dev/@connections/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        foreach (var method in AllMethods)
        {
            await AssertGoneAsync(server, method, $"/dev/@connections/{id}");
        }
    }

    [Fact]
    public async Task AfterTheClientLeaves_EveryMethodGets410Gone()
    {
        await using var server = await GatewayServer.StartAsync();
        var (target, id) = await server.ConnectWithIdAsync();
        await target.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WaitAsync(TestWebSocket.DefaultTimeout);
        await target.DisposeAsync();

        await Eventually.TrueAsync(async () =>
        {
            using var response = await server.SendAsync(HttpMethod.Get, $"/dev/@connections/{id}");
            return response.StatusCode == HttpStatusCode.Gone;
        }, what: "GET of a closed connection answering 410");
        foreach (var method in AllMethods)
        {
            await AssertGoneAsync(server, method, $"/dev/@connections/{id}");
        }
    }

    [Theory]
    [InlineData("AAAAAAAAAAAAAAAA")]
    [InlineData("abc")]
    [InlineData("..%2F..")]
    [InlineData("..%2F..%2Fhealthz")]
    [InlineData("id%20with%20spaces%20")]
    [InlineData("AAAAAAAAAAAAAAA%3D")]
    public async Task UnknownOrMalformedId_Gets410Gone(string id)
    {
        await using var server = await GatewayServer.StartAsync();
        await using var client = await server.ConnectAsync();

        foreach (var method in AllMethods)
        {
            await AssertGoneAsync(server, method, $"/dev/@connections/{id}");
        }

        await client.AssertNothingReceivedAsync(Quiet);
    }

    [Theory]
    [InlineData(17)]
    [InlineData(1024)]
    [InlineData(4 * 1024)]
    public async Task VeryLongId_Gets410Gone(int length)
    {
        await using var server = await GatewayServer.StartAsync();

        foreach (var method in AllMethods)
        {
            await AssertGoneAsync(server, method, $"/dev/@connections/{new string('A', length)}");
        }
    }

    [Fact]
    public async Task IdOf10KiB_IsRefusedCleanly_AndTheServerKeepsServing()
    {
        await using var server = await GatewayServer.StartAsync();
        var (client, id) = await server.ConnectWithIdAsync();
        await using var _ = client;

        // 410 from the API, or 414 from the HTTP layer for a request line this long (API Gateway's URL limit is
        // 4096 characters); never a success and never a server error.
        foreach (var method in AllMethods)
        {
            using var response = await server.SendAsync(method, $"/dev/@connections/{new string('A', 10 * 1024)}", body: method == HttpMethod.Post ? "x"u8.ToArray() : null);
            Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Gone, HttpStatusCode.RequestUriTooLong });
        }

        using var post = await server.SendAsync(HttpMethod.Post, $"/dev/@connections/{id}", body: "fine"u8.ToArray());
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal("fine", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task ConnectionOfAnotherStage_Gets410_AndIsLeftAlone()
    {
        await using var server = await GatewayServer.StartAsync();
        var (devClient, id) = await server.ConnectWithIdAsync("dev");
        await using var _ = devClient;

        foreach (var method in AllMethods)
        {
            await AssertGoneAsync(server, method, $"/test/@connections/{id}");
        }

        await devClient.AssertNothingReceivedAsync(Quiet);
        using var response = await server.SendAsync(HttpMethod.Post, $"/dev/@connections/{id}", body: "still here"u8.ToArray());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("still here", await devClient.ReceiveTextAsync());
    }

    [Theory]
    [InlineData("/prod/@connections/")]
    [InlineData("/receiver/@connections/")]
    [InlineData("/dev/extra/@connections/")]
    public async Task UnknownStagePath_Gets404(string prefix)
    {
        await using var server = await GatewayServer.StartAsync();
        var (client, id) = await server.ConnectWithIdAsync();
        await using var _ = client;

        foreach (var method in AllMethods)
        {
            using var response = await server.SendAsync(method, prefix + id, body: method == HttpMethod.Post ? "x"u8.ToArray() : null);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        await client.AssertNothingReceivedAsync(Quiet);
    }

    /// <summary>A body sent chunked, without Content-Length.</summary>
    private sealed class ChunkedContent(byte[] data) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(data).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
