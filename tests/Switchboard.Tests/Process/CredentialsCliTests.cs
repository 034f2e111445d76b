using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AspnetBackend;
using Switchboard.Tests.Infrastructure;
using static Switchboard.Tests.Processes.ProcessTestKit;

namespace Switchboard.Tests.Processes;

/// <summary>
/// <c>switchboard credentials</c> against the store of a (running or stopped) server: what it prints, how the secret
/// is kept at rest, and that the real AWS CLI can call the management API with a credential it made.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class CredentialsCliTests
{
    [Fact]
    public async Task Create_PrintsTheAccessKeyIdAndTheSecret_OnTwoLines()
    {
        using var dir = new TempDirectory();

        var result = await Cli.RunAsync(["credentials", "create", "--name", "first", "--data-dir", dir.Path]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, result.StdoutLines.Length);
        Assert.Matches("^AWS_ACCESS_KEY_ID=SBAK[A-Z2-7]{16}$", result.StdoutLines[0]);
        Assert.Matches("^AWS_SECRET_ACCESS_KEY=[A-Za-z0-9]{40}$", result.StdoutLines[1]);
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public async Task Create_TwiceWithTheSameName_FailsWithAClearMessage_AndKeepsTheFirst()
    {
        using var dir = new TempDirectory();
        var first = await CreateAsync(dir.Path, "twice");

        var again = await Cli.RunAsync(["credentials", "create", "--name", "twice", "--data-dir", dir.Path]);

        Assert.True(again.ExitCode != 0, again.ToString());
        Assert.Equal("", again.Stdout);
        Assert.Contains("'twice' already exists", again.Stderr, StringComparison.Ordinal);
        var list = await Cli.RunAsync(["credentials", "list", "--data-dir", dir.Path]);
        Assert.Single(list.StdoutLines.Skip(1));
        Assert.Contains(first.AccessKeyId, list.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}", "not an execute-api action")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{}}]}", "'Condition'")]
    [InlineData("not a policy", "not valid JSON")]
    public async Task Create_WithABadPolicy_ExitsTwo_SayingWhy_AndCreatesNothing(string policy, string expected)
    {
        using var dir = new TempDirectory();

        var result = await Cli.RunAsync(["credentials", "create", "--name", "bad", "--policy", policy, "--data-dir", dir.Path]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Contains("--policy", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("bad", (await Cli.RunAsync(["credentials", "list", "--data-dir", dir.Path])).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithBothAllowAndPolicy_ExitsTwo()
    {
        using var dir = new TempDirectory();

        var result = await Cli.RunAsync(
            ["credentials", "create", "--name", "both", "--allow", "dev/POST/@connections/*", "--policy", "{\"Statement\":[]}", "--data-dir", dir.Path]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Contains("--allow or --policy", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ShowsNamesIdsAndPolicies_NeverTheSecrets()
    {
        using var dir = new TempDirectory();
        var everything = await CreateAsync(dir.Path, "everything");
        var poster = await CreateAsync(dir.Path, "poster", ["--allow", "dev/POST/@connections/*"]);

        var list = await Cli.RunAsync(["credentials", "list", "--data-dir", dir.Path]);

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.DoesNotContain(everything.SecretAccessKey, list.Stdout + list.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(poster.SecretAccessKey, list.Stdout + list.Stderr, StringComparison.Ordinal);
        var lines = list.StdoutLines;
        Assert.StartsWith("NAME", lines[0], StringComparison.Ordinal);
        Assert.Contains("ACCESS KEY ID", lines[0], StringComparison.Ordinal);
        Assert.Equal(3, lines.Length);
        var everythingRow = Assert.Single(lines, l => l.StartsWith("everything ", StringComparison.Ordinal));
        Assert.Contains(everything.AccessKeyId, everythingRow, StringComparison.Ordinal);
        Assert.Contains("full access", everythingRow, StringComparison.Ordinal);
        var posterRow = Assert.Single(lines, l => l.StartsWith("poster ", StringComparison.Ordinal));
        Assert.Contains(poster.AccessKeyId, posterRow, StringComparison.Ordinal);
        Assert.Contains("dev/POST/@connections/*", posterRow, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_OfAnUnknownName_FailsWithAClearMessage()
    {
        using var dir = new TempDirectory();

        var result = await Cli.RunAsync(["credentials", "revoke", "ghost", "--data-dir", dir.Path]);

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("'ghost'", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Create_KeepsTheDataDirPrivate_AndTheSecretOutOfTheDatabase()
    {
        using var parent = new TempDirectory();
        var dataDir = Path.Combine(parent.Path, "data");
        var credential = await CreateAsync(dataDir, "sealed");
        await CreateAsync(dataDir, "sealed-too");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dataDir));
        var keyFile = Path.Combine(dataDir, "credentials.key");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));

        var databaseFiles = Directory.GetFiles(dataDir, "switchboard.db*");
        Assert.Contains(Path.Combine(dataDir, "switchboard.db"), databaseFiles);
        var stored = databaseFiles.Select(File.ReadAllBytes).ToList();

        // The rows are there (so these are the right files), the secret and the key that seals it are not.
        Assert.Contains(stored, bytes => Contains(bytes, Encoding.ASCII.GetBytes(credential.AccessKeyId)));
        Assert.All(stored, bytes => Assert.False(Contains(bytes, Encoding.ASCII.GetBytes(credential.SecretAccessKey)), "the secret is in the database in clear"));
        var keyText = (await File.ReadAllTextAsync(keyFile)).Trim();
        Assert.All(stored, bytes => Assert.False(Contains(bytes, Encoding.ASCII.GetBytes(keyText)), "the credentials key is in the database"));
        Assert.All(stored, bytes => Assert.False(Contains(bytes, Convert.FromBase64String(keyText)), "the credentials key is in the database"));
    }

    [Fact]
    public async Task WithTheKeyInTheEnvironment_NoKeyFileIsWritten_AndAServerWithThatKeyHonoursTheCredential()
    {
        using var dir = new TempDirectory();
        var environment = new Dictionary<string, string?> { ["SWITCHBOARD_CREDENTIALS_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
        var credential = await CreateAsync(dir.Path, "from-env-key", environment: environment);
        Assert.False(File.Exists(Path.Combine(dir.Path, "credentials.key")));

        await using var server = await GatewayProcess.StartAsync(ServeArgs(dir.Path), environment);
        await using var client = await server.ConnectAsync();
        var id = await ConnectionIdAsync(client);

        using var response = await PostAsync(server, id, "sealed by the environment's key", credential);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await DescribeAsync(response));
        Assert.Equal("sealed by the environment's key", await client.ReceiveTextAsync());
    }

    [Theory]
    [InlineData("credentials", "not base64!!")]
    [InlineData("credentials", "c2hvcnQ=")]
    [InlineData("serve", "not base64!!")]
    [InlineData("serve", "c2hvcnQ=")]
    public async Task MalformedCredentialsKey_ExitsTwo_WithOneClearLine_AndTouchesNothing(string command, string key)
    {
        using var dir = new TempDirectory();
        var dataDir = Path.Combine(dir.Path, "data");
        var environment = new Dictionary<string, string?> { ["SWITCHBOARD_CREDENTIALS_KEY"] = key };
        string[] args = command == "serve" ? ["serve", .. ServeArgs(dataDir)] : ["credentials", "create", "--name", "k", "--data-dir", dataDir];

        var result = await Cli.RunAsync(args, environment);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("switchboard: SWITCHBOARD_CREDENTIALS_KEY ", line, StringComparison.Ordinal);
        Assert.EndsWith("openssl rand -base64 32", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dataDir), "the data directory was created although the command was refused");
    }

    [Fact]
    public async Task ServerWithAnotherCredentialsKey_RefusesTheCredentialCleanly_AndKeepsServing()
    {
        using var dir = new TempDirectory();
        var credential = await CreateAsync(dir.Path, "sealed-elsewhere");
        var otherKey = new Dictionary<string, string?> { ["SWITCHBOARD_CREDENTIALS_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };

        await using var server = await GatewayProcess.StartAsync(ServeArgs(dir.Path), otherKey);
        await using var client = await server.ConnectAsync();
        var id = await ConnectionIdAsync(client);

        // The secret cannot be recovered, so the credential cannot sign: as unknown as a revoked one, not a crash.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var response = await PostAsync(server, id, "must not arrive", credential);
            Assert.True(
                response.StatusCode == HttpStatusCode.Forbidden && ErrorType(response) == "UnrecognizedClientException",
                $"expected 403 UnrecognizedClientException; got {await DescribeAsync(response)}\nserver log (last lines):\n{Tail(server.Stdout + server.Stderr, 5)}");
            Assert.Equal("{\"message\":\"The security token included in the request is invalid.\"}", await response.Content.ReadAsStringAsync());
        }

        // The operator is told why, naming the key.
        await PollAsync(
            () => Task.FromResult(server.Stdout + server.Stderr),
            log => log.Contains("cannot be decrypted", StringComparison.Ordinal) && log.Contains(credential.AccessKeyId, StringComparison.Ordinal),
            TimeSpan.FromSeconds(15),
            "a warning naming the credential that cannot be decrypted");
        Assert.DoesNotContain("unhandled exception", server.Stdout + server.Stderr, StringComparison.OrdinalIgnoreCase);

        Assert.False(server.HasExited);
        using (var other = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/dev/@connections/{id}") { Content = new StringContent("environment credential") }))
        {
            Assert.True(other.StatusCode == HttpStatusCode.OK, await DescribeAsync(other));
        }

        Assert.Equal("environment credential", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task CredentialCreatedWhileServing_WorksAtOnce_AndRevokeFailsItAtOnce()
    {
        using var dir = new TempDirectory();
        await using var server = await GatewayProcess.StartAsync(ServeArgs(dir.Path), CleanEnvironment);
        await using var client = await server.ConnectAsync();
        var id = await ConnectionIdAsync(client);

        var credential = await CreateAsync(dir.Path, "live");
        using (var response = await PostAsync(server, id, "created while serving", credential))
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, await DescribeAsync(response));
        }

        Assert.Equal("created while serving", await client.ReceiveTextAsync());

        var revoke = await Cli.RunAsync(["credentials", "revoke", "live", "--data-dir", dir.Path]);
        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        using (var response = await PostAsync(server, id, "after revoke", credential))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("UnrecognizedClientException", ErrorType(response));
            Assert.Equal("{\"message\":\"The security token included in the request is invalid.\"}", await response.Content.ReadAsStringAsync());
        }

        await client.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task RevokeByAccessKeyId_FailsTheCredentialAtOnce()
    {
        using var dir = new TempDirectory();
        await using var server = await GatewayProcess.StartAsync(ServeArgs(dir.Path), CleanEnvironment);
        await using var client = await server.ConnectAsync();
        var id = await ConnectionIdAsync(client);
        var credential = await CreateAsync(dir.Path, "by-id");

        var revoke = await Cli.RunAsync(["credentials", "revoke", credential.AccessKeyId, "--data-dir", dir.Path]);

        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        using var response = await PostAsync(server, id, "after revoke", credential);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("UnrecognizedClientException", ErrorType(response));
    }

    [Fact]
    public async Task AwsCli_PostsGetsAndDeletes_WithACredentialTheCliCreated()
    {
        var aws = FindAwsCli();
        using var dir = new TempDirectory();
        await using var server = await GatewayProcess.StartAsync(ServeArgs(dir.Path), CleanEnvironment);
        await using var client = await server.ConnectAsync();
        var id = await ConnectionIdAsync(client);
        var credential = await CreateAsync(dir.Path, "aws-cli");
        var data = Path.Combine(dir.Path, "data.txt");
        await File.WriteAllTextAsync(data, "hello");

        // fileb:// sends the file's bytes as they are, in AWS CLI v1 and v2 alike (a plain --data string is base64 to v2).
        var post = await RunAwsAsync(aws, dir.Path, credential, "post-to-connection", server.Port, $"--connection-id={id}", "--data", $"fileb://{data}");
        Assert.True(post.ExitCode == 0, post.ToString());
        Assert.Equal("hello", await client.ReceiveTextAsync());

        var get = await RunAwsAsync(aws, dir.Path, credential, "get-connection", server.Port, $"--connection-id={id}");
        Assert.True(get.ExitCode == 0, get.ToString());
        using (var json = JsonDocument.Parse(get.Stdout))
        {
            Assert.Equal("127.0.0.1", json.RootElement.GetProperty("Identity").GetProperty("SourceIp").GetString());
            Assert.True(json.RootElement.TryGetProperty("ConnectedAt", out _), get.Stdout);
        }

        var delete = await RunAwsAsync(aws, dir.Path, credential, "delete-connection", server.Port, $"--connection-id={id}");
        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.Equal(1000, await ReceiveCloseAndAnswerAsync(client, TimeSpan.FromSeconds(10)));

        var gone = await RunAwsAsync(aws, dir.Path, credential, "post-to-connection", server.Port, $"--connection-id={id}", "--data", $"fileb://{data}");
        Assert.True(gone.ExitCode != 0, gone.ToString());
        Assert.Contains("GoneException", gone.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AwsCli_WithAPostOnlyCredential_PostsButItsDeleteIsAccessDenied()
    {
        var aws = FindAwsCli();
        using var dir = new TempDirectory();
        await using var server = await GatewayProcess.StartAsync(ServeArgs(dir.Path), CleanEnvironment);
        await using var client = await server.ConnectAsync();
        var id = await ConnectionIdAsync(client);
        var credential = await CreateAsync(dir.Path, "aws-cli-poster", ["--allow", "dev/POST/@connections/*"]);
        var data = Path.Combine(dir.Path, "data.txt");
        await File.WriteAllTextAsync(data, "posted by a post-only key");

        var post = await RunAwsAsync(aws, dir.Path, credential, "post-to-connection", server.Port, $"--connection-id={id}", "--data", $"fileb://{data}");
        Assert.True(post.ExitCode == 0, post.ToString());
        Assert.Equal("posted by a post-only key", await client.ReceiveTextAsync());

        var delete = await RunAwsAsync(aws, dir.Path, credential, "delete-connection", server.Port, $"--connection-id={id}");
        Assert.True(delete.ExitCode != 0, delete.ToString());
        Assert.Contains("AccessDeniedException", delete.Stderr, StringComparison.Ordinal);
        Assert.Contains("user/aws-cli-poster is not authorized to perform: execute-api:ManageConnections", delete.Stderr, StringComparison.Ordinal);
        await client.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));

        var wrongSecret = await RunAwsAsync(aws, dir.Path, credential with { SecretAccessKey = (credential.SecretAccessKey[0] == 'x' ? "y" : "x") + credential.SecretAccessKey[1..] }, "post-to-connection", server.Port, $"--connection-id={id}", "--data", $"fileb://{data}");
        Assert.True(wrongSecret.ExitCode != 0, wrongSecret.ToString());
        Assert.Contains("InvalidSignatureException", wrongSecret.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Runs <c>credentials create --name NAME --data-dir DIR MORE</c> and returns what it printed.</summary>
    private static async Task<ManagementCredentials> CreateAsync(string dataDir, string name, string[]? more = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var result = await Cli.RunAsync(["credentials", "create", "--name", name, "--data-dir", dataDir, .. more ?? []], environment);
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StdoutLines;
        Assert.True(lines.Length == 2, result.ToString());
        Assert.StartsWith("AWS_ACCESS_KEY_ID=", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("AWS_SECRET_ACCESS_KEY=", lines[1], StringComparison.Ordinal);
        return new ManagementCredentials(lines[0]["AWS_ACCESS_KEY_ID=".Length..], lines[1]["AWS_SECRET_ACCESS_KEY=".Length..], null, "us-east-1");
    }

    /// <summary>POSTs <paramref name="data"/> to the connection, signed with <paramref name="credentials"/> (the path sent as aws-sdk for JavaScript sends it).</summary>
    private static async Task<HttpResponseMessage> PostAsync(GatewayProcess server, string connectionId, string data, ManagementCredentials credentials)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseAddress, $"/dev/@connections/{connectionId}")) { Content = new StringContent(data) };
        await ManagementSigning.SignAsync(request, credentials);
        return await server.Http.SendAsync(request);
    }

    private static string? ErrorType(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? string.Join(',', values) : null;

    private static async Task<string> DescribeAsync(HttpResponseMessage response) =>
        $"{(int)response.StatusCode} x-amzn-ErrorType={ErrorType(response) ?? "(none)"} body={await response.Content.ReadAsStringAsync()}";

    private static string Tail(string text, int lines) =>
        string.Join('\n', text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines).Select(l => l.Length > 400 ? l[..400] + "..." : l));

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    /// <summary>The <c>aws</c> executable on PATH; fails the test (never skips it) when there is none: CI installs the AWS CLI.</summary>
    private static string FindAwsCli()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var found = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, OperatingSystem.IsWindows() ? "aws.exe" : "aws"))
            .FirstOrDefault(File.Exists);
        Assert.True(found is not null, "the AWS CLI ('aws') is not on PATH; install it (AWS CLI v2, or 'pip install awscli') to run this test. PATH=" + path);
        return found!;
    }

    /// <summary>
    /// Runs <c>aws apigatewaymanagementapi COMMAND --endpoint-url http://127.0.0.1:PORT/dev --region us-east-1 ARGS</c>
    /// with only <paramref name="credentials"/>: no config or credentials file, no instance metadata, no retries.
    /// </summary>
    private static async Task<CliResult> RunAwsAsync(string aws, string workDir, ManagementCredentials credentials, string command, int port, params string[] args)
    {
        var info = new ProcessStartInfo(aws)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDir,
        };
        foreach (var arg in (string[])["apigatewaymanagementapi", command, "--endpoint-url", $"http://127.0.0.1:{port}/dev", "--region", "us-east-1", "--output", "json", .. args])
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["AWS_ACCESS_KEY_ID"] = credentials.AccessKeyId;
        info.Environment["AWS_SECRET_ACCESS_KEY"] = credentials.SecretAccessKey;
        info.Environment["AWS_CONFIG_FILE"] = Path.Combine(workDir, "no-such-aws-config");
        info.Environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(workDir, "no-such-aws-credentials");
        info.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        info.Environment["AWS_MAX_ATTEMPTS"] = "1";
        info.Environment["AWS_PAGER"] = "";

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{aws} did not start");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"aws apigatewaymanagementapi {command} did not finish within 90 s");
        }

        return new CliResult(process.ExitCode, await stdout.WaitAsync(TimeSpan.FromSeconds(10)), await stderr.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
