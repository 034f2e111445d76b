using System.Diagnostics;
using Switchboard.Tests.Processes;

namespace Switchboard.Tests.Examples;

/// <summary>
/// <c>examples/seed-lambdas</c> as a real process: <c>node start.js</c> with free ports, which starts dynalite (a local
/// DynamoDB) and the Lambda Invoke API runner serving the seed's four functions unchanged. Installs the folder's npm
/// packages first when they are missing.
/// </summary>
public sealed class SeedLambdaRunner : IAsyncDisposable
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    private readonly Process _process;
    private readonly OutputCapture _output;

    private SeedLambdaRunner(Process process, OutputCapture output, string runnerUrl, string dynamoDbUrl)
    {
        _process = process;
        _output = output;
        RunnerUrl = runnerUrl;
        DynamoDbUrl = dynamoDbUrl;
    }

    public static string Folder => RepositoryPaths.Of("examples", "seed-lambdas");

    /// <summary>The Lambda Invoke API base URL (<c>http://127.0.0.1:PORT</c>).</summary>
    public string RunnerUrl { get; }

    public string DynamoDbUrl { get; }

    public string Output => $"stdout:\n{_output.Stdout}\nstderr:\n{_output.Stderr}";

    /// <param name="environment">More variables for the functions, e.g. the AWS_* credential their management calls sign with.</param>
    public static async Task<SeedLambdaRunner> StartAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        await InstallPackagesAsync();
        var info = new ProcessStartInfo("node", ["start.js"])
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["RUNNER_PORT"] = "0";
        info.Environment["DYNALITE_PORT"] = "0";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("node did not start");
        var output = new OutputCapture(process);
        try
        {
            var ready = await output.WaitForStdoutLineAsync(static line => line.StartsWith("READY ", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            var fields = ready.Trim().Split(' ').Skip(1).Select(static f => f.Split('=', 2)).ToDictionary(static f => f[0], static f => f[1]);
            return new SeedLambdaRunner(process, output, fields["runner"], fields["dynamodb"]);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <c>npm ci</c> when the packages are missing, so <c>dotnet test</c> alone works on a fresh clone (with npm reachable).
    /// </summary>
    private static async Task InstallPackagesAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(Folder, "node_modules", "aws-sdk")) && Directory.Exists(Path.Combine(Folder, "node_modules", "dynalite")))
            {
                return;
            }

            var result = await Processes.Cli.RunProgramAsync("npm", ["ci", "--prefix", Folder, "--no-audit", "--no-fund", "--loglevel=error"], TimeSpan.FromMinutes(5));
            Assert.True(result.ExitCode == 0, $"npm ci in {Folder} failed (the seed's functions need aws-sdk v2 and dynalite):\n{result}");
        }
        finally
        {
            InstallLock.Release();
        }
    }

    /// <summary>The connection ids in the seed's DynamoDB table, through the DynamoDB API (a Scan, as the seed's functions do).</summary>
    public async Task<IReadOnlyList<string>> ScanConnectionIdsAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Post, DynamoDbUrl)
        {
            Content = new StringContent("{\"TableName\":\"clientConnectionInfo\"}"),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-amz-json-1.0");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "DynamoDB_20120810.Scan");
        // dynalite checks that a signature is present, not what it is.
        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", "20260101T000000Z");
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var json = System.Text.Json.JsonDocument.Parse(body);
        return [.. json.RootElement.GetProperty("Items").EnumerateArray().Select(static item => item.GetProperty("connectionid").GetProperty("S").GetString()!)];
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }
}
