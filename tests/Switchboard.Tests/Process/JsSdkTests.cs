using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Switchboard.Tests.Examples;
using Switchboard.Tests.Infrastructure;
using static Switchboard.Tests.Processes.ProcessTestKit;

namespace Switchboard.Tests.Processes;

/// <summary>
/// The AWS SDK for JavaScript v3 (<c>@aws-sdk/client-apigatewaymanagementapi</c>, tests/js-sdk/manage.mjs) against the
/// real gateway, with credentials the CLI made: what a user's Lambda sees from each call, each refusal's exception
/// as the SDK names it, what the SDK's clock-skew correction does with the gateway's answers, and URLs pre-signed by
/// the SDK's own signer.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class JsSdkTests
{
    private const int TenMinutesMs = 10 * 60 * 1000;

    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    private static string Folder => RepositoryPaths.Of("tests", "js-sdk");

    [Fact]
    public async Task PostGetDelete_DeliverDescribeAndCloseWith1000_ThenPostIsGone()
    {
        await using var gateway = await Session.StartAsync();
        var before = DateTimeOffset.UtcNow;

        var post = await gateway.ManageAsync("post", "--data", "hello from the js sdk");
        Assert.True(post.Ok && post.Status == 200, post.Raw);
        Assert.Equal("hello from the js sdk", await gateway.Client.ReceiveTextAsync());

        var get = await gateway.ManageAsync("get");
        Assert.True(get.Ok && get.Status == 200, get.Raw);
        var connectedAt = DateTimeOffset.Parse(get.Json.GetProperty("ConnectedAt").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        Assert.InRange(connectedAt, before.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.Equal("127.0.0.1", get.Json.GetProperty("Identity").GetProperty("SourceIp").GetString());
        Assert.True(get.Json.TryGetProperty("LastActiveAt", out _), get.Raw);

        var delete = await gateway.ManageAsync("delete");
        Assert.True(delete.Ok, delete.Raw);
        Assert.Equal(1000, await ReceiveCloseAndAnswerAsync(gateway.Client, TimeSpan.FromSeconds(10)));

        var gone = await gateway.ManageAsync("post", "--data", "after delete");
        Assert.True(!gone.Ok && gone.Name == "GoneException" && gone.Status == 410, gone.Raw);
    }

    [Fact]
    public async Task WrongSecret_IsInvalidSignatureException403_NotRetried_AndNothingIsDelivered()
    {
        await using var gateway = await Session.StartAsync();
        // Another first character: a secret that already starts with "x" would otherwise stay right (1 run in 60 or so).
        var secret = gateway.Credential.SecretAccessKey;
        var wrong = gateway.Credential with { SecretAccessKey = (secret[0] == 'x' ? "y" : "x") + secret[1..] };

        var post = await gateway.ManageAsync(wrong, "post", "--data", "must not arrive");

        Assert.True(!post.Ok && post.Name == "InvalidSignatureException" && post.Status == 403, post.Raw);
        Assert.StartsWith("The request signature we calculated does not match the signature you provided.", post.Message, StringComparison.Ordinal);
        Assert.True(post.Attempts == 1, post.Raw);
        await gateway.Client.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task UnknownAccessKey_IsUnrecognizedClientException403()
    {
        await using var gateway = await Session.StartAsync();
        var unknown = gateway.Credential with { AccessKeyId = "SBAKAAAAAAAAAAAAAAAA" };

        var post = await gateway.ManageAsync(unknown, "post", "--data", "must not arrive");

        Assert.True(!post.Ok && post.Name == "UnrecognizedClientException" && post.Status == 403, post.Raw);
        Assert.Equal("The security token included in the request is invalid.", post.Message);
        Assert.True(post.Attempts == 1, post.Raw);
        await gateway.Client.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));
    }

    [Theory]
    [InlineData(-TenMinutesMs, "Signature expired: ")]
    [InlineData(TenMinutesMs, "Signature not yet current: ")]
    public async Task ClockSkewedByTenMinutes_TheFirstAttemptIsInvalidSignatureException403(int clockOffsetMs, string expected)
    {
        await using var gateway = await Session.StartAsync();

        // One attempt, so the SDK cannot hide the refusal behind its own correction (the next tests).
        var post = await gateway.ManageAsync("post", "--data", "must not arrive", $"--clock-offset-ms={clockOffsetMs}", "--max-attempts", "1");

        Assert.True(!post.Ok && post.Name == "InvalidSignatureException" && post.Status == 403, post.Raw);
        Assert.StartsWith(expected, post.Message, StringComparison.Ordinal);
        await gateway.Client.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task ClockTenMinutesBehind_TheSdkResetsItsClockFromTheRefusal_AndItsRetryDeliversOnce()
    {
        await using var gateway = await Session.StartAsync();

        var post = await gateway.ManageAsync("post", "--data", "after one refusal", $"--clock-offset-ms={-TenMinutesMs}");

        // The SDK retries an InvalidSignatureException whose message says "Signature expired" (its isTransientError),
        // having set systemClockOffset from the refusal's Date header: the first attempt was refused, the second went.
        Assert.True(post.Ok && post.Status == 200, post.Raw);
        Assert.True(post.Attempts == 2, post.Raw);
        Assert.True(Math.Abs(post.ClockOffsetMs!.Value) < 60_000, post.Raw);
        Assert.Equal("after one refusal", await gateway.Client.ReceiveTextAsync());
        await gateway.Client.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task ClockTenMinutesAhead_TheSdkResetsItsClockFromTheRefusal_ButDoesNotRetry()
    {
        await using var gateway = await Session.StartAsync();

        var post = await gateway.ManageAsync("post", "--data", "must not arrive", $"--clock-offset-ms={TenMinutesMs}");

        // "Signature not yet current" is no transient error to the SDK, and it flags a refusal as clock-skew-corrected
        // (so retried) only when the offset it derives is itself 4 minutes or more: a machine clock that is wrong, not
        // a configured offset that is. The offset is fixed all the same, for the client's next call.
        Assert.True(!post.Ok && post.Name == "InvalidSignatureException" && post.Status == 403, post.Raw);
        Assert.StartsWith("Signature not yet current: ", post.Message, StringComparison.Ordinal);
        Assert.True(post.Attempts == 1, post.Raw);
        Assert.True(Math.Abs(post.ClockOffsetMs!.Value) < 60_000, post.Raw);
        await gateway.Client.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task UrlPresignedByTheSdksSigner_GetsTheConnection_AndOneAlreadyExpiredIsInvalidSignatureException()
    {
        await using var gateway = await Session.StartAsync();
        using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };

        var presigned = await gateway.ManageAsync("presign");
        Assert.True(presigned.Ok, presigned.Raw);
        var url = presigned.Json.GetProperty("url").GetString()!;
        Assert.StartsWith($"{gateway.Server.BaseAddress}dev/@connections/{gateway.ConnectionId}?", url, StringComparison.Ordinal);
        Assert.Contains("%2Fus-east-1%2Fexecute-api%2Faws4_request&", url, StringComparison.Ordinal);
        Assert.Contains("X-Amz-SignedHeaders=host&", url, StringComparison.Ordinal);
        using (var response = await plain.GetAsync(new Uri(url)))
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
            using var json = JsonDocument.Parse(body);
            Assert.Equal("127.0.0.1", json.RootElement.GetProperty("identity").GetProperty("sourceIp").GetString());
        }

        // Signed an hour ago for a minute: expired before it is made, without waiting for it.
        var signedAt = DateTimeOffset.UtcNow.AddHours(-1).ToString("o", CultureInfo.InvariantCulture);
        var expired = await gateway.ManageAsync("presign", "--signing-date", signedAt, "--expires-in", "60");
        Assert.True(expired.Ok, expired.Raw);
        using (var response = await plain.GetAsync(new Uri(expired.Json.GetProperty("url").GetString()!)))
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{(int)response.StatusCode} {body}");
            Assert.Equal("InvalidSignatureException", string.Join(',', response.Headers.GetValues("x-amzn-ErrorType")));
            Assert.StartsWith("{\"message\":\"Signature expired: ", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task PolicyDenyingStageTest_PostsOnDev_AndIsAccessDeniedExceptionOnTest()
    {
        await using var gateway = await Session.StartAsync();
        const string policy = """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"execute-api:ManageConnections","Resource":"arn:aws:execute-api:*:*:*"},
              {"Effect":"Deny","Action":"execute-api:ManageConnections","Resource":"arn:aws:execute-api:*:*:??????????/test/*"}]}
            """;
        var devOnly = await CreateCredentialAsync(gateway.DataDir, "dev-only", ["--policy", policy]);
        await using var testClient = await gateway.Server.ConnectAsync("test");
        var testId = await ConnectionIdAsync(testClient);

        var onDev = await gateway.ManageAsync(devOnly, "post", "--data", "allowed on dev");
        Assert.True(onDev.Ok && onDev.Status == 200, onDev.Raw);
        Assert.Equal("allowed on dev", await gateway.Client.ReceiveTextAsync());

        var onTest = await RunAsync(devOnly, "post", gateway.Server, "test", testId, "--data", "denied on test");
        Assert.True(!onTest.Ok && onTest.Name == "AccessDeniedException" && onTest.Status == 403, onTest.Raw);
        Assert.StartsWith("User: arn:aws:iam::000000000000:user/dev-only is not authorized to perform: execute-api:ManageConnections", onTest.Message, StringComparison.Ordinal);
        Assert.EndsWith($"/test/POST/@connections/{testId}", onTest.Message, StringComparison.Ordinal);
        await testClient.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));
    }

    /// <summary>What manage.mjs printed: the SDK's outcome of one call.</summary>
    private sealed record SdkOutcome(JsonElement Json, string Raw)
    {
        public bool Ok => Json.GetProperty("ok").GetBoolean();

        public string? Name => Text("name");

        public string? Message => Text("message");

        public int? Status => Json.TryGetProperty("status", out var value) ? value.GetInt32() : null;

        public int? Attempts => Json.TryGetProperty("attempts", out var value) ? value.GetInt32() : null;

        public long? ClockOffsetMs => Json.TryGetProperty("clockOffsetMs", out var value) ? value.GetInt64() : null;

        private string? Text(string name) => Json.TryGetProperty(name, out var value) ? value.GetString() : null;
    }

    /// <summary>A gateway on a fresh data directory, a full-access credential the CLI made, and one client on stage dev.</summary>
    private sealed class Session : IAsyncDisposable
    {
        private readonly TempDirectory _dir;

        private Session(TempDirectory dir, GatewayProcess server, TestWebSocket client, string connectionId, AspnetBackend.ManagementCredentials credential)
        {
            _dir = dir;
            Server = server;
            Client = client;
            ConnectionId = connectionId;
            Credential = credential;
        }

        public string DataDir => _dir.Path;

        public GatewayProcess Server { get; }

        public TestWebSocket Client { get; }

        public string ConnectionId { get; }

        public AspnetBackend.ManagementCredentials Credential { get; }

        public static async Task<Session> StartAsync()
        {
            await InstallPackagesAsync();
            var dir = new TempDirectory();
            GatewayProcess? server = null;
            TestWebSocket? client = null;
            try
            {
                server = await GatewayProcess.StartAsync(ServeArgs(dir.Path), CleanEnvironment);
                client = await server.ConnectAsync();
                var id = await ConnectionIdAsync(client);
                var credential = await CreateCredentialAsync(dir.Path, "js-sdk");
                return new Session(dir, server, client, id, credential);
            }
            catch
            {
                if (client is not null)
                {
                    await client.DisposeAsync();
                }

                if (server is not null)
                {
                    await server.DisposeAsync();
                }

                dir.Dispose();
                throw;
            }
        }

        /// <summary>manage.mjs on this session's dev client, signed with the session's credential.</summary>
        public Task<SdkOutcome> ManageAsync(string operation, params string[] more) => ManageAsync(Credential, operation, more);

        public Task<SdkOutcome> ManageAsync(AspnetBackend.ManagementCredentials credential, string operation, params string[] more) =>
            RunAsync(credential, operation, Server, "dev", ConnectionId, more);

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Server.DisposeAsync();
            _dir.Dispose();
        }
    }

    private static async Task<AspnetBackend.ManagementCredentials> CreateCredentialAsync(string dataDir, string name, string[]? more = null)
    {
        var result = await Cli.RunAsync(["credentials", "create", "--name", name, "--data-dir", dataDir, .. more ?? []]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StdoutLines;
        Assert.True(lines.Length == 2 && lines[0].StartsWith("AWS_ACCESS_KEY_ID=", StringComparison.Ordinal) && lines[1].StartsWith("AWS_SECRET_ACCESS_KEY=", StringComparison.Ordinal), result.ToString());
        return new AspnetBackend.ManagementCredentials(lines[0]["AWS_ACCESS_KEY_ID=".Length..], lines[1]["AWS_SECRET_ACCESS_KEY=".Length..], null, "us-east-1");
    }

    /// <summary>
    /// <c>node manage.mjs OPERATION --endpoint http://127.0.0.1:PORT/STAGE --connection-id ID MORE</c> with only
    /// <paramref name="credential"/>: no config or credentials file, no instance metadata.
    /// </summary>
    private static async Task<SdkOutcome> RunAsync(
        AspnetBackend.ManagementCredentials credential, string operation, GatewayProcess server, string stage, string connectionId, params string[] more)
    {
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Folder,
        };
        string[] args = ["manage.mjs", operation, "--endpoint", $"{server.BaseAddress}{stage}", $"--connection-id={connectionId}", "--region", "us-east-1", .. more];
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["AWS_ACCESS_KEY_ID"] = credential.AccessKeyId;
        info.Environment["AWS_SECRET_ACCESS_KEY"] = credential.SecretAccessKey;
        info.Environment["AWS_CONFIG_FILE"] = Path.Combine(Folder, "no-such-aws-config");
        info.Environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(Folder, "no-such-aws-credentials");
        info.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        // The SDK warns on stderr that its 2027 releases need Node 22; CI runs Node 20 with a pinned release.
        info.Environment["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] = "true";

        using var process = Process.Start(info) ?? throw new InvalidOperationException("node did not start");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node manage.mjs {operation} did not finish within 60 s");
        }

        var result = new CliResult(process.ExitCode, await stdout.WaitAsync(TimeSpan.FromSeconds(10)), await stderr.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(result.ExitCode == 0 && result.StdoutLines.Length == 1, $"node {string.Join(' ', args)}: {result}");
        using var json = JsonDocument.Parse(result.StdoutLines[0]);
        return new SdkOutcome(json.RootElement.Clone(), result.StdoutLines[0]);
    }

    /// <summary><c>npm ci</c> in tests/js-sdk when its packages are missing, so <c>dotnet test</c> alone works on a fresh clone.</summary>
    private static async Task InstallPackagesAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(Folder, "node_modules", "@aws-sdk", "client-apigatewaymanagementapi")))
            {
                return;
            }

            var result = await Cli.RunProgramAsync("npm", ["ci", "--prefix", Folder, "--no-audit", "--no-fund", "--loglevel=error"], TimeSpan.FromMinutes(5));
            Assert.True(result.ExitCode == 0, $"npm ci in {Folder} failed (manage.mjs needs @aws-sdk/client-apigatewaymanagementapi):\n{result}");
        }
        finally
        {
            InstallLock.Release();
        }
    }
}
