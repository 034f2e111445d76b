using System.Net;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;
using static Switchboard.Tests.Processes.ProcessTestKit;

namespace Switchboard.Tests.Processes;

/// <summary>Usage plans on the real executable: quotas kept across a restart, plans read from the key's row, <c>keys usage</c>.</summary>
[Collection(ProcessCollection.Name)]
public sealed class UsagePlanProcessTests
{
    [Fact]
    public async Task Quota_SurvivesARestart_AndKeysUsageShowsWhatIsUsedAndLeft()
    {
        using var dir = new TempDirectory();
        var config = await WriteDefinitionAsync(dir.Path, "switchboard.json", json => AddPlan(
            json,
            """{ "name": "metered", "throttle": { "rateLimit": 50, "burstLimit": 60 }, "quota": { "limit": 3, "period": "MONTH" }, "methodThrottles": { "/receiver/GET": { "rateLimit": 10, "burstLimit": 20 } } }"""));
        var data = Path.Combine(dir.Path, "data");
        var key = await CreateKeyAsync(data, config, "metered-key", "metered");

        await using (var first = await GatewayProcess.StartAsync(ServeArgs(data, "--config", config), CleanEnvironment))
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(HttpStatusCode.OK, await ReceiverStatusAsync(first, key));
            }

            await AssertLimitExceededAsync(first, key);
            await first.SendSignalAsync("TERM");
            Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        }

        await using var second = await GatewayProcess.StartAsync(ServeArgs(data, "--config", config), CleanEnvironment);
        await AssertLimitExceededAsync(second, key);

        var usage = await Cli.RunAsync(["keys", "usage", "metered-key", "--config", config, "--data-dir", data]);
        Assert.True(usage.ExitCode == 0, usage.ToString());
        var now = DateTimeOffset.UtcNow;
        var month = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(
            [
                "key: metered-key",
                "plan: metered",
                "throttle: 50 requests/s, burst 60",
                "throttle /receiver/GET: 10 requests/s, burst 20",
                "quota: 3 per MONTH",
                $"period: {month:yyyy-MM-dd}T00:00:00Z to {month.AddMonths(1):yyyy-MM-dd}T00:00:00Z",
                "allowed: 3",
                "used: 3",
                "remaining: 0",
            ],
            usage.StdoutLines);
        Assert.DoesNotContain(key, usage.Stdout + usage.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyCreatedOnAPlanWhileServing_IsThrottledByItAtOnce()
    {
        using var dir = new TempDirectory();
        // A token every 1,000 seconds: the second call is refused however slowly the machine runs.
        var config = await WriteDefinitionAsync(dir.Path, "switchboard.json", json => AddPlan(
            json, """{ "name": "trickle", "throttle": { "rateLimit": 0.001, "burstLimit": 1 } }"""));
        var data = Path.Combine(dir.Path, "data");
        await using var server = await GatewayProcess.StartAsync(ServeArgs(data, "--config", config), CleanEnvironment);

        var key = await CreateKeyAsync(data, config, "late", "trickle");

        Assert.Equal(HttpStatusCode.OK, await ReceiverStatusAsync(server, key));
        using var refused = await ReceiverAsync(server, key);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("{\"message\":\"Too Many Requests\"}", await refused.Content.ReadAsStringAsync());
        Assert.Equal("TooManyRequestsException", Assert.Single(refused.Headers.GetValues("x-amzn-ErrorType")));
    }

    [Fact]
    public async Task KeysUsage_OfAKeyWithoutAQuota_OrOfAnUnknownKey()
    {
        using var dir = new TempDirectory();
        var config = await WriteDefinitionAsync(dir.Path, "switchboard.json", json => AddPlan(json, """{ "name": "free" }"""));
        await CreateKeyAsync(dir.Path, config, "free-key", "free");

        var free = await Cli.RunAsync(["keys", "usage", "free-key", "--config", config, "--data-dir", dir.Path]);
        Assert.True(free.ExitCode == 0, free.ToString());
        Assert.Equal(["key: free-key", "plan: free", "throttle: none", "quota: none"], free.StdoutLines);

        // Read against the built-in definition, which has no plan 'free'.
        var elsewhere = await Cli.RunAsync(["keys", "usage", "free-key", "--data-dir", dir.Path]);
        Assert.True(elsewhere.ExitCode == 0, elsewhere.ToString());
        Assert.Equal(["key: free-key", "plan: free (not in the definition: requests with this key get 403)"], elsewhere.StdoutLines);

        var unknown = await Cli.RunAsync(["keys", "usage", "nobody", "--data-dir", dir.Path]);
        Assert.True(unknown.ExitCode == 1, unknown.ToString());
        Assert.Equal("", unknown.Stdout);
        Assert.Contains("'nobody'", Assert.Single(unknown.StderrLines), StringComparison.Ordinal);
    }

    private static void AddPlan(JsonObject definition, string plan) => definition["usagePlans"]!.AsArray().Add(JsonNode.Parse(plan));

    private static async Task<string> CreateKeyAsync(string dataDir, string config, string name, string plan)
    {
        var result = await Cli.RunAsync(["keys", "create", "--name", name, "--plan", plan, "--config", config, "--data-dir", dataDir]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return Assert.Single(result.StdoutLines);
    }

    private static Task<HttpResponseMessage> ReceiverAsync(GatewayProcess server, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/dev/receiver?progId=5");
        request.Headers.Add("x-api-key", key);
        return server.Http.SendAsync(request);
    }

    private static async Task<HttpStatusCode> ReceiverStatusAsync(GatewayProcess server, string key)
    {
        using var response = await ReceiverAsync(server, key);
        return response.StatusCode;
    }

    private static async Task AssertLimitExceededAsync(GatewayProcess server, string key)
    {
        using var response = await ReceiverAsync(server, key);
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("{\"message\":\"Limit Exceeded\"}", await response.Content.ReadAsStringAsync());
        Assert.Equal("LimitExceededException", Assert.Single(response.Headers.GetValues("x-amzn-ErrorType")));
    }
}
