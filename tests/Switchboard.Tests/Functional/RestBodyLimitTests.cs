using System.Net;
using System.Net.Http.Headers;
using Switchboard.Rest;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>
/// <see cref="RestEndpoint.MaxBodyBytes"/> (10 × 1024 × 1024 bytes, API Gateway's payload limit): a REST request body of
/// exactly that size reaches the integration; one byte more is 413 <c>PayloadTooLargeException</c> before the
/// integration is called, with or without a Content-Length, and the server goes on serving.
/// </summary>
public sealed class RestBodyLimitTests
{
    private const int Cap = RestEndpoint.MaxBodyBytes;

    private static readonly string TooLarge = $"{{\"message\":\"Request body exceeds {Cap} bytes, API Gateway's payload limit\"}}";

    /// <summary>A POST of <paramref name="bytes"/> bytes; chunked (no Content-Length) unless <paramref name="announceLength"/>.</summary>
    private static async Task<(HttpStatusCode Status, string Body, string? ErrorType)> PostAsync(GatewayServer server, int bytes, bool announceLength)
    {
        var body = new byte[bytes];
        Array.Fill(body, (byte)'a');
        HttpContent content = announceLength ? new ByteArrayContent(body) : new StreamContent(new UnknownLengthStream(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/dev/upload") { Content = content };
        if (!announceLength)
        {
            request.Headers.TransferEncodingChunked = true;
        }

        using var response = await server.Http.SendAsync(request).WaitAsync(TimeSpan.FromSeconds(30));
        var errorType = response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? string.Join(",", values) : null;
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), errorType);
    }

    /// <summary>A REST method whose function answers the length of the body it got.</summary>
    private static Task<GatewayServer> StartAsync(BackendServer backend)
    {
        backend.Handle("upload", r => Task.FromResult(BackendReply.Proxy(200, r.Event.GetProperty("body").GetString()!.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        return GatewayServer.StartAsync(BackendDefinitions.Rest("/upload", "POST", BackendDefinitions.Lambda(backend, "upload")));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task BodyOfExactlyTheCap_ReachesTheIntegration(bool announceLength)
    {
        await using var backend = await BackendServer.StartAsync();
        await using var server = await StartAsync(backend);

        var (status, body, _) = await PostAsync(server, Cap, announceLength);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Cap.ToString(System.Globalization.CultureInfo.InvariantCulture), body);
        Assert.Equal(new string('a', Cap), (await backend.WaitForSingleAsync("upload")).Event.GetProperty("body").GetString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task BodyOneByteOverTheCap_Is413_TheIntegrationIsNotCalled_AndTheServerKeepsServing(bool announceLength)
    {
        await using var backend = await BackendServer.StartAsync();
        await using var server = await StartAsync(backend);

        var (status, body, errorType) = await PostAsync(server, Cap + 1, announceLength);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal(TooLarge, body);
        Assert.Equal("PayloadTooLargeException", errorType);

        var (nextStatus, nextBody, _) = await PostAsync(server, 5, announceLength);
        Assert.Equal(HttpStatusCode.OK, nextStatus);
        Assert.Equal("5", nextBody);
        // The refused request never reached the backend: the only call is the small one.
        Assert.Equal(5, Assert.Single(backend.RequestsTo("upload")).Event.GetProperty("body").GetString()!.Length);
    }

    /// <summary>A stream that does not know its length, so the client sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data, writable: false)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }
    }
}
