using System.Net;
using System.Text;
using Switchboard.Definition;
using Switchboard.Integrations.Backend;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>
/// <see cref="BackendInvoker.MaxResponseBytes"/> (6 × 1024 × 1024 bytes, Lambda's response limit): an answer of exactly
/// that size is used; one byte more is a failed call, whether the backend announces its length (refused before
/// reading) or streams it chunked (refused while reading).
/// </summary>
public sealed class BackendAnswerSizeTests
{
    private const int Cap = BackendInvoker.MaxResponseBytes;
    private const string ProxyHead = "{\"statusCode\":200,\"body\":\"";
    private const string ProxyTail = "\"}";
    private const string PaddingField = "\",\"padding\":\"";
    private const string InternalError = "{\"message\":\"Internal server error\"}";

    /// <summary>The number of body characters that makes a proxy result exactly <paramref name="bytes"/> long.</summary>
    private static int BodyCharsFor(int bytes) => bytes - ProxyHead.Length - ProxyTail.Length;

    /// <summary>
    /// A 200 proxy result of exactly <paramref name="bytes"/> bytes, with or without a Content-Length header: a body of
    /// that many 'x', or <paramref name="body"/> and a field of padding (a route response must fit in one message).
    /// </summary>
    private static BackendReply ProxyOfSize(int bytes, bool announceLength, string? body = null)
    {
        var json = body is null
            ? ProxyHead + new string('x', BodyCharsFor(bytes)) + ProxyTail
            : ProxyHead + body + PaddingField + new string('p', BodyCharsFor(bytes) - body.Length - PaddingField.Length) + ProxyTail;
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(json));
        var headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" };
        if (announceLength)
        {
            headers["Content-Length"] = bytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return new BackendReply(200, headers, json);
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(GatewayServer server, string path)
    {
        using var response = await server.Http.GetAsync(path).WaitAsync(TimeSpan.FromSeconds(20));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RestAnswerOfExactlyTheCap_IsTheAnswer(bool announceLength)
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("at-cap", ProxyOfSize(Cap, announceLength));
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.Rest("/big", "GET", BackendDefinitions.Lambda(backend, "at-cap")));

        var (status, body) = await GetAsync(server, "/dev/big");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(BodyCharsFor(Cap), body.Length);
        Assert.True(body.All(c => c == 'x'), "the body came back changed");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RestAnswerOneByteOverTheCap_Answers502_AndTheNextCallIsServed(bool announceLength)
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("over-cap", ProxyOfSize(Cap + 1, announceLength));
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.Rest("/big", "GET", BackendDefinitions.Lambda(backend, "over-cap")));

        var (status, body) = await GetAsync(server, "/dev/big");

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal(InternalError, body);
        await backend.WaitForSingleAsync("over-cap");

        backend.Handle("over-cap", BackendReply.Proxy(200, "small"));
        Assert.Equal((HttpStatusCode.OK, "small"), await GetAsync(server, "/dev/big"));
    }

    [Fact]
    public async Task MessageRouteAnswerOverTheCap_SendsInternalServerError_AtTheCapIsUsed_AndTheSocketStaysOpen()
    {
        // An http integration this time: the cap is the invoker's, whatever the integration type. The answer's body is
        // sent back as one message, so the answer at the cap is padding around a short body.
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("/size/message", r => Task.FromResult(r.Event.GetProperty("body").GetString() switch
        {
            "over" => ProxyOfSize(Cap + 1, announceLength: false, body: "over"),
            "at" => ProxyOfSize(Cap, announceLength: false, body: "at the cap"),
            _ => BackendReply.Proxy(200, "small"),
        }));
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.WebSocket(new Dictionary<string, RouteDefinition>
        {
            ["$default"] = BackendDefinitions.Route(BackendDefinitions.Http(backend, "/size/message"), twoWay: true),
        }));
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("over");
        SeedMessages.AssertErrorFrame(await client.ReceiveTextAsync(), "Internal server error");

        await client.SendTextAsync("at");
        Assert.Equal("at the cap", await client.ReceiveTextAsync());

        await client.SendTextAsync("small");
        Assert.Equal("small", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task ConnectAnswerOverTheCap_RefusesWith502_AndAtTheCapConnects()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("size-connect", ProxyOfSize(Cap + 1, announceLength: true));
        await using var server = await GatewayServer.StartAsync(BackendDefinitions.LambdaLifecycle(backend, "size"));

        Assert.Equal(502, await BackendTestKit.RefusedStatusAsync(server));

        backend.Handle("size-connect", ProxyOfSize(Cap, announceLength: true));
        var (client, id) = await BackendTestKit.ConnectAsync(server, backend, "size");
        await using var _ = client;
        await client.SendTextAsync("after a 6 MB $connect answer");
        var message = await backend.WaitForSingleAsync("size-default");
        Assert.Equal(id, BackendTestKit.ConnectionIdOf(message.Event));
        Assert.Equal(2, backend.RequestsTo("size-connect").Count);
    }
}
