using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.Runtime.Internal.Util;
using AspnetBackend;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Access;
using Switchboard.Definition;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>
/// Who may call the management API on a real server: SigV4 signatures, API Gateway's refusals (status,
/// <c>x-amzn-ErrorType</c>, message), policies, revocation, and a call signed by AWSSDK.Core end to end.
/// </summary>
public sealed class ManagementAccessTests
{
    private static readonly HttpMethod[] ConnectionMethods = [HttpMethod.Post, HttpMethod.Get, HttpMethod.Delete];

    [Fact]
    public async Task Unsigned_ConnectionCalls_AreMissingAuthenticationToken()
    {
        await using var server = await GatewayServer.StartAsync();
        var (client, id) = await server.ConnectWithIdAsync();
        await using var _ = client;

        foreach (var method in ConnectionMethods)
        {
            using var request = Request(method, $"/dev/@connections/{id}", method == HttpMethod.Post ? "x" : null);
            request.Options.Set(ManagementSigning.Unsigned, true);
            using var response = await server.Http.SendAsync(request);

            await AssertRefusedAsync(response, "MissingAuthenticationTokenException", "{\"message\":\"Missing Authentication Token\"}", method.Method);
        }

        // None of them reached the connection.
        await client.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(200));
        Assert.True(await server.IsRegisteredAsync(id));
    }

    [Theory]
    [InlineData("POST", "/dev/@connections")]
    [InlineData("POST", "/dev/@groups/team")]
    [InlineData("GET", "/dev/@groups/team")]
    [InlineData("PUT", "/dev/@groups/team/aB3-_xY9zQ1-_k0P")]
    [InlineData("DELETE", "/dev/@groups/team/aB3-_xY9zQ1-_k0P")]
    [InlineData("POST", "/dev/%40connections/aB3-_xY9zQ1-_k0P")]
    public async Task Unsigned_StageAndGroupCalls_AreMissingAuthenticationToken(string method, string path)
    {
        await using var server = await GatewayServer.StartAsync();
        using var request = Request(new HttpMethod(method), path, method is "POST" ? "x" : null);
        request.Options.Set(ManagementSigning.Unsigned, true);

        using var response = await server.Http.SendAsync(request);

        await AssertRefusedAsync(response, "MissingAuthenticationTokenException", "{\"message\":\"Missing Authentication Token\"}", $"{method} {path}");
    }

    [Fact]
    public async Task Unsigned_TenMegabytePost_IsRefusedBeforeItsBodyIsRead()
    {
        await using var server = await GatewayServer.StartAsync();

        // Only the head and the first 64 KiB go out: an answer at all shows the server did not wait for the rest,
        // and 403 rather than 413 that it did not look at the body's size first.
        var (status, headers, body) = await RawPostAsync(server.BaseAddress, "/dev/@connections/aB3-_xY9zQ1-_k0P", "Content-Length: 10485760\r\n", chunked: false);

        Assert.Equal(403, status);
        Assert.Contains("x-amzn-ErrorType: MissingAuthenticationTokenException", headers, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("{\"message\":\"Missing Authentication Token\"}", body);
    }

    [Fact]
    public async Task Unsigned_ChunkedPost_IsRefusedWithoutWaitingForItsBody()
    {
        await using var server = await GatewayServer.StartAsync();

        // One 64 KiB chunk and no end: reading the body first would wait here for ever.
        var (status, headers, body) = await RawPostAsync(server.BaseAddress, "/dev/@connections/aB3-_xY9zQ1-_k0P", "Transfer-Encoding: chunked\r\n", chunked: true);

        Assert.Equal(403, status);
        Assert.Contains("x-amzn-ErrorType: MissingAuthenticationTokenException", headers, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("{\"message\":\"Missing Authentication Token\"}", body);
    }

    [Fact]
    public async Task Signed_OversizedPost_IsPayloadTooLarge()
    {
        await using var server = await GatewayServer.StartAsync();
        var (client, id) = await server.ConnectWithIdAsync();
        await using var _ = client;

        using var response = await server.SendAsync(HttpMethod.Post, $"/dev/@connections/{id}", body: new byte[200 * 1024]);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task SignedByAnUnknownKey_IsAnUnrecognizedClient()
    {
        await using var server = await GatewayServer.StartAsync();
        var (client, id) = await server.ConnectWithIdAsync();
        await using var _ = client;

        using var response = await SendSignedAsync(server, HttpMethod.Post, $"/dev/@connections/{id}", "x", new ManagementCredentials("SBAKNOSUCHKEY0000000", "whatever", null, "us-east-1"));

        await AssertRefusedAsync(response, "UnrecognizedClientException", "{\"message\":\"The security token included in the request is invalid.\"}");
        await client.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task SignedWithTheWrongSecret_IsAnInvalidSignature()
    {
        await using var server = await GatewayServer.StartAsync();
        var (client, id) = await server.ConnectWithIdAsync();
        await using var _ = client;

        using var response = await SendSignedAsync(server, HttpMethod.Post, $"/dev/@connections/{id}", "x", server.Credentials with { SecretAccessKey = "not-the-secret" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("InvalidSignatureException", ErrorType(response));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("The request signature we calculated does not match the signature you provided.", json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        await client.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task SignedSixMinutesAgo_IsRefusedAsExpired()
    {
        await using var server = await GatewayServer.StartAsync();
        var (client, id) = await server.ConnectWithIdAsync();
        await using var _ = client;
        using var request = Request(HttpMethod.Post, $"/dev/@connections/{id}", "x");
        request.RequestUri = new Uri(server.BaseAddress, request.RequestUri!);
        await ManagementSigning.SignAsync(request, server.Credentials, DateTime.UtcNow.AddMinutes(-6));

        using var response = await server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("InvalidSignatureException", ErrorType(response));
        Assert.Contains("Signature expired", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoCredentialConfigured_RefusesEveryCall()
    {
        var logs = new CapturedLogs();
        // Empty, not absent: GatewayServer gives an absent variable the test credential.
        var environment = new Dictionary<string, string> { [CredentialLookup.AccessKeyVariable] = "", [CredentialLookup.SecretVariable] = "" };
        await using var server = await GatewayServer.StartAsync(environment: environment, logs: logs);
        var (client, id) = await server.ConnectWithIdAsync();
        await using var _ = client;

        foreach (var method in ConnectionMethods)
        {
            // The credential every other test server takes.
            using (var signed = await SendSignedAsync(server, method, $"/dev/@connections/{id}", method == HttpMethod.Post ? "x" : null, ManagementSigning.Credentials()))
            {
                await AssertRefusedAsync(signed, "UnrecognizedClientException", "{\"message\":\"The security token included in the request is invalid.\"}", method.Method);
            }

            using var unsignedRequest = Request(method, $"/dev/@connections/{id}", method == HttpMethod.Post ? "x" : null);
            unsignedRequest.Options.Set(ManagementSigning.Unsigned, true);
            using var unsigned = await server.Http.SendAsync(unsignedRequest);
            await AssertRefusedAsync(unsigned, "MissingAuthenticationTokenException", "{\"message\":\"Missing Authentication Token\"}", method.Method);
        }

        Assert.True(await server.IsRegisteredAsync(id));
        await client.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(200));
        Assert.Contains(logs.Records, r => r.Level == Microsoft.Extensions.Logging.LogLevel.Warning && r.Message.Contains("credentials create", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CredentialAllowedOnlyToPost_CanPost_ButItsDeleteIsAccessDenied()
    {
        await using var server = await GatewayServer.StartAsync();
        var (client, id) = await server.ConnectWithIdAsync();
        await using var _ = client;
        var (poster, posterName) = await CreateCredentialAsync(server, "poster", AccessPolicy.AllowManageConnections(["dev/POST/@connections/*"]));

        using (var posted = await SendSignedAsync(server, HttpMethod.Post, $"/dev/@connections/{id}", "allowed post", poster))
        {
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        Assert.Equal("allowed post", await client.ReceiveTextAsync());

        var apiId = global::Switchboard.Routing.ApiIds.For(SeedDefinition.Create().WebSocketApis.Single().Name);
        foreach (var method in new[] { HttpMethod.Delete, HttpMethod.Get })
        {
            using var refused = await SendSignedAsync(server, method, $"/dev/@connections/{id}", null, poster);
            var resource = $"arn:aws:execute-api:us-east-1:000000000000:{apiId}/dev/{method.Method}/@connections/{id}";
            await AssertRefusedAsync(
                refused,
                "AccessDeniedException",
                $"{{\"Message\":\"User: arn:aws:iam::000000000000:user/{posterName} is not authorized to perform: execute-api:ManageConnections on resource: {resource}\"}}",
                method.Method);
        }

        // The refused DELETE closed nothing.
        Assert.True(await server.IsRegisteredAsync(id));
        using var stillThere = await server.SendAsync(HttpMethod.Get, $"/dev/@connections/{id}");
        Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);
    }

    [Fact]
    public async Task AccessDenied_NamesTheRegionTheRequestWasSignedFor()
    {
        await using var server = await GatewayServer.StartAsync();
        var (client, id) = await server.ConnectWithIdAsync();
        await using var _ = client;
        var (poster, _) = await CreateCredentialAsync(server, "regional", AccessPolicy.AllowManageConnections(["arn:aws:execute-api:eu-west-1:*:*/dev/POST/@connections/*"]));

        using (var inRegion = await SendSignedAsync(server, HttpMethod.Post, $"/dev/@connections/{id}", "eu", poster with { Region = "eu-west-1" }))
        {
            Assert.Equal(HttpStatusCode.OK, inRegion.StatusCode);
        }

        Assert.Equal("eu", await client.ReceiveTextAsync());
        using var otherRegion = await SendSignedAsync(server, HttpMethod.Post, $"/dev/@connections/{id}", "us", poster with { Region = "us-east-2" });
        Assert.Equal(HttpStatusCode.Forbidden, otherRegion.StatusCode);
        Assert.Equal("AccessDeniedException", ErrorType(otherRegion));
        Assert.Contains("on resource: arn:aws:execute-api:us-east-2:000000000000:", await otherRegion.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StageScopedCredential_CannotChangeTheGroupsOfAnotherStage()
    {
        await using var server = await GatewayServer.StartAsync();
        var (devClient, devId) = await server.ConnectWithIdAsync("dev");
        await using var _ = devClient;
        var (testClient, testId) = await server.ConnectWithIdAsync("test");
        await using var __ = testClient;
        var (devOnly, name) = await CreateCredentialAsync(server, "dev-only", AccessPolicy.AllowManageConnections(["dev/*"]));

        using (var own = await SendSignedAsync(server, HttpMethod.Put, $"/dev/@groups/team/{devId}", null, devOnly))
        {
            Assert.Equal(HttpStatusCode.NoContent, own.StatusCode);
        }

        // The ARN of this call, .../test/PUT/@groups/dev/ID, has "/dev/" in it too, but its stage is test.
        using var other = await SendSignedAsync(server, HttpMethod.Put, $"/test/@groups/dev/{testId}", null, devOnly);
        var apiId = global::Switchboard.Routing.ApiIds.For(SeedDefinition.Create().WebSocketApis.Single().Name);
        await AssertRefusedAsync(
            other,
            "AccessDeniedException",
            $"{{\"Message\":\"User: arn:aws:iam::000000000000:user/{name} is not authorized to perform: execute-api:ManageConnections on resource: "
            + $"arn:aws:execute-api:us-east-1:000000000000:{apiId}/test/PUT/@groups/dev/{testId}\"}}");
        using var members = await server.SendAsync(HttpMethod.Get, "/test/@groups/dev");
        Assert.DoesNotContain(testId, await members.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokedCredential_IsAnUnrecognizedClientAtTheNextCall()
    {
        await using var server = await GatewayServer.StartAsync();
        var (client, id) = await server.ConnectWithIdAsync();
        await using var _ = client;
        var store = server.Services.GetRequiredService<ICredentialStore>();
        var (poster, posterName) = await CreateCredentialAsync(server, "revoked", AccessPolicy.AllowManageConnections(["dev/POST/@connections/*"]));
        using (var before = await SendSignedAsync(server, HttpMethod.Post, $"/dev/@connections/{id}", "before", poster))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        Assert.Equal("before", await client.ReceiveTextAsync());

        Assert.True(await store.RevokeAsync(posterName));

        using var after = await SendSignedAsync(server, HttpMethod.Post, $"/dev/@connections/{id}", "after", poster);
        await AssertRefusedAsync(after, "UnrecognizedClientException", "{\"message\":\"The security token included in the request is invalid.\"}");
        await client.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task SignedByTheAwsSdkSigner_WithThePathAsTheSdkSendsIt_WorksEndToEnd()
    {
        await using var server = await GatewayServer.StartAsync();
        var (client, id) = await server.ConnectWithIdAsync();
        await using var _ = client;
        var url = $"{server.BaseAddress.GetLeftPart(UriPartial.Authority)}/dev/%40connections/{id}";

        using (var post = new HttpRequestMessage(HttpMethod.Post, url))
        {
            var body = Encoding.UTF8.GetBytes("{\"from\":\"AWSSDK.Core\"}");
            post.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
            Assert.Equal($"/dev/%40connections/{id}", post.RequestUri!.AbsolutePath);
            SdkRequestSigner.Sign(post, body, server.Credentials, DateTime.UtcNow);
            using var posted = await server.Http.SendAsync(post);
            Assert.True(posted.StatusCode == HttpStatusCode.OK, $"{(int)posted.StatusCode} {ErrorType(posted)}: {await posted.Content.ReadAsStringAsync()}");
        }

        Assert.Equal("{\"from\":\"AWSSDK.Core\"}", await client.ReceiveTextAsync());

        using (var get = new HttpRequestMessage(HttpMethod.Get, url))
        {
            SdkRequestSigner.Sign(get, null, server.Credentials, DateTime.UtcNow);
            using var got = await server.Http.SendAsync(get);
            Assert.Equal(HttpStatusCode.OK, got.StatusCode);
            using var json = JsonDocument.Parse(await got.Content.ReadAsStringAsync());
            Assert.Equal("127.0.0.1", json.RootElement.GetProperty("identity").GetProperty("sourceIp").GetString());
        }

        using (var delete = new HttpRequestMessage(HttpMethod.Delete, url))
        {
            SdkRequestSigner.Sign(delete, null, server.Credentials, DateTime.UtcNow);
            using var deleted = await server.Http.SendAsync(delete);
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        Assert.Equal((int)WebSocketCloseStatus.NormalClosure, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task PresignedUrl_FromTheAwsSdk_WorksEndToEnd()
    {
        await using var server = await GatewayServer.StartAsync();
        var (client, id) = await server.ConnectWithIdAsync();
        await using var _ = client;
        var request = new DefaultRequest(new PresignRequest(), "ApiGatewayManagementApi")
        {
            HttpMethod = "GET",
            Endpoint = new Uri(server.BaseAddress.GetLeftPart(UriPartial.Authority)),
            ResourcePath = $"/dev/@connections/{id}",
            UseQueryString = true,
            AuthenticationRegion = "us-east-1",
            OverrideSigningServiceName = "execute-api",
        };
        request.Parameters["X-Amz-Expires"] = "60";
        var credentials = server.Credentials;
        var result = AWS4PreSignedUrlSigner.SignRequest(request, null, new RequestMetrics(), credentials.AccessKeyId, credentials.SecretAccessKey, "execute-api", "us-east-1", DateTime.UtcNow);
        var url = AmazonServiceClient.ComposeUrl(request).AbsoluteUri + "&" + result.ForQueryParameters;

        using (var got = await SendUnsignedAsync(server, url))
        {
            Assert.True(got.StatusCode == HttpStatusCode.OK, $"{(int)got.StatusCode} {ErrorType(got)}: {await got.Content.ReadAsStringAsync()}");
        }

        using var tampered = await SendUnsignedAsync(server, url.Replace("X-Amz-Expires=60", "X-Amz-Expires=600", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
        Assert.Equal("InvalidSignatureException", ErrorType(tampered));
    }

    /// <summary>A GET that carries its own signature (a pre-signed URL): the test client must not add one.</summary>
    private static Task<HttpResponseMessage> SendUnsignedAsync(GatewayServer server, string url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Options.Set(ManagementSigning.Unsigned, true);
        return server.Http.SendAsync(request);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string? body)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        }

        return request;
    }

    private static async Task<HttpResponseMessage> SendSignedAsync(GatewayServer server, HttpMethod method, string path, string? body, ManagementCredentials credentials)
    {
        using var request = Request(method, path, body);
        request.RequestUri = new Uri(server.BaseAddress, path);
        await ManagementSigning.SignAsync(request, credentials);
        return await server.Http.SendAsync(request);
    }

    /// <summary>A credential in the server's store with <paramref name="policy"/>, under a unique name starting with <paramref name="name"/>.</summary>
    private static async Task<(ManagementCredentials Credentials, string Name)> CreateCredentialAsync(GatewayServer server, string name, AccessPolicy policy)
    {
        var store = server.Services.GetRequiredService<ICredentialStore>();
        var credential = new AccessCredential(
            "SBAK" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)),
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)),
            $"{name}-{Guid.NewGuid():N}"[..24],
            policy,
            DateTimeOffset.UtcNow);
        Assert.True(await store.CreateAsync(credential));
        return (new ManagementCredentials(credential.AccessKeyId, credential.SecretAccessKey, null, "us-east-1"), credential.Name);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string errorType, string body, string? what = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        var prefix = what is null ? "" : what + ": ";
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{prefix}expected 403, got {(int)response.StatusCode}: {text}");
        Assert.True(ErrorType(response) == errorType, $"{prefix}expected x-amzn-ErrorType {errorType}, got {ErrorType(response)}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(body, text);
    }

    private static string? ErrorType(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? string.Join(',', values) : null;

    /// <summary>
    /// Writes a POST head and 64 KiB of its body over a raw socket, never the rest, and reads the answer: status,
    /// head and body (a chunked body joined).
    /// </summary>
    private static async Task<(int Status, string Head, string Body)> RawPostAsync(Uri server, string path, string lengthHeader, bool chunked)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port).WaitAsync(TestWebSocket.DefaultTimeout);
        var stream = tcp.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: application/octet-stream\r\n{lengthHeader}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head)).AsTask().WaitAsync(TestWebSocket.DefaultTimeout);
        var part = new byte[64 * 1024];
        if (chunked)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(part.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n")).AsTask().WaitAsync(TestWebSocket.DefaultTimeout);
            await stream.WriteAsync(part).AsTask().WaitAsync(TestWebSocket.DefaultTimeout);
            await stream.WriteAsync("\r\n"u8.ToArray()).AsTask().WaitAsync(TestWebSocket.DefaultTimeout);
        }
        else
        {
            await stream.WriteAsync(part).AsTask().WaitAsync(TestWebSocket.DefaultTimeout);
        }

        var received = new StringBuilder();
        var buffer = new byte[8192];
        while (true)
        {
            var text = received.ToString();
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var status = int.Parse(text.Split(' ')[1], CultureInfo.InvariantCulture);
                var lines = text[..end].Split("\r\n");
                var rest = text[(end + 4)..];
                var lengthLine = lines.FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                if (lengthLine is not null && rest.Length >= int.Parse(lengthLine.Split(':')[1].Trim(), CultureInfo.InvariantCulture))
                {
                    return (status, text[..end], rest);
                }

                if (lengthLine is null && rest.EndsWith("0\r\n\r\n", StringComparison.Ordinal))
                {
                    return (status, text[..end], Dechunk(rest));
                }
            }

            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TestWebSocket.DefaultTimeout);
            if (read == 0)
            {
                throw new IOException($"the server closed the connection without a whole answer after: {text}");
            }

            received.Append(Encoding.Latin1.GetString(buffer, 0, read));
        }
    }

    private static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        var at = 0;
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = int.Parse(chunked[at..lineEnd], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                return body.ToString();
            }

            body.Append(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }

    private sealed class PresignRequest : AmazonWebServiceRequest;
}
