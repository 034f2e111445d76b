using System.Globalization;
using System.Net;
using Switchboard.Tests.Infrastructure;
using static Switchboard.Tests.Processes.ProcessTestKit;

namespace Switchboard.Tests.Processes;

/// <summary>the README: <c>switchboard keys</c> against the store of a (running or stopped) server.</summary>
[Collection(ProcessCollection.Name)]
public sealed class KeysCliTests
{
    private const string SeedPlan = "OutsystemsUsagePlan";

    [Fact]
    public async Task KeyCreatedBeforeStart_Works_AndStillWorksAfterARestart()
    {
        using var dir = new TempDirectory();
        var key = await CreateKeyAsync(dir.Path, "k");

        await using (var first = await GatewayProcess.StartAsync(ServeArgs(dir.Path), CleanEnvironment))
        {
            Assert.Equal(HttpStatusCode.OK, await ReceiverStatusAsync(first, key));
            await first.SendSignalAsync("TERM");
            Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        }

        await using var second = await GatewayProcess.StartAsync(ServeArgs(dir.Path), CleanEnvironment);
        Assert.Equal(HttpStatusCode.OK, await ReceiverStatusAsync(second, key));
        Assert.Equal(HttpStatusCode.Forbidden, await ReceiverStatusAsync(second, key + "x"));
    }

    [Fact]
    public async Task KeyCreatedWhileServing_WorksAtOnce_AndRevokeFailsItAtOnce()
    {
        using var dir = new TempDirectory();
        await using var server = await GatewayProcess.StartAsync(ServeArgs(dir.Path), CleanEnvironment);
        Assert.Equal(HttpStatusCode.Forbidden, await ReceiverStatusAsync(server, null));

        var key = await CreateKeyAsync(dir.Path, "live");
        using (var response = await ReceiverAsync(server, key))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("{\"statusCode\":200,\"sent\":0}", await response.Content.ReadAsStringAsync());
        }

        var revoke = await Cli.RunAsync(["keys", "revoke", "live", "--data-dir", dir.Path]);
        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        using (var response = await ReceiverAsync(server, key))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("{\"message\":\"Forbidden\"}", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task KeysList_ShowsNamePlanAndCreationTime_NeverTheValue()
    {
        using var dir = new TempDirectory();
        var before = DateTimeOffset.UtcNow.AddSeconds(-2);
        var generated = await CreateKeyAsync(dir.Path, "generated-key");
        var given = "given-value-0123456789abcdef";
        var create = await Cli.RunAsync(["keys", "create", "--name", "given-key", "--value", given, "--plan", SeedPlan, "--data-dir", dir.Path]);
        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.Equal(given, create.Stdout.Trim());
        var after = DateTimeOffset.UtcNow.AddSeconds(2);

        var list = await Cli.RunAsync(["keys", "list", "--data-dir", dir.Path]);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.DoesNotContain(generated, list.Stdout + list.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(given, list.Stdout + list.Stderr, StringComparison.Ordinal);

        var lines = list.StdoutLines;
        Assert.Equal(["NAME", "PLAN", "CREATED"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var rows = lines.Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(["generated-key", "given-key"], rows.Select(r => r[0]).Order(StringComparer.Ordinal));
        Assert.All(rows, row =>
        {
            Assert.Equal(3, row.Length);

            // A key created without --plan is on the definition's default plan.
            Assert.Equal(SeedPlan, row[1]);
            var created = DateTimeOffset.Parse(row[2], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            Assert.InRange(created, before, after);
        });
    }

    [Fact]
    public async Task Create_PrintsAGeneratedKeyAloneOnStdout()
    {
        using var dir = new TempDirectory();
        var result = await Cli.RunAsync(["keys", "create", "--name", "solo", "--data-dir", dir.Path]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var line = Assert.Single(result.StdoutLines);
        Assert.Equal(line, result.Stdout.TrimEnd('\n', '\r'));
        Assert.Matches("^[A-Za-z0-9_-]{20,}$", line);
    }

    [Fact]
    public async Task Create_WithATooShortValue_ExitsTwo_AndCreatesNothing()
    {
        using var dir = new TempDirectory();
        var result = await Cli.RunAsync(["keys", "create", "--name", "short", "--value", "abc123", "--data-dir", dir.Path]);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Contains("--value", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("short", (await Cli.RunAsync(["keys", "list", "--data-dir", dir.Path])).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithADuplicateName_FailsWithAClearMessage_AndKeepsTheFirstKey()
    {
        using var dir = new TempDirectory();
        var first = await CreateKeyAsync(dir.Path, "twice");

        var again = await Cli.RunAsync(["keys", "create", "--name", "twice", "--data-dir", dir.Path]);
        Assert.True(again.ExitCode != 0, again.ToString());
        Assert.Equal("", again.Stdout);
        var message = Assert.Single(again.StderrLines);
        Assert.Contains("'twice'", message, StringComparison.Ordinal);
        Assert.Contains("already exists", message, StringComparison.Ordinal);

        await using var server = await GatewayProcess.StartAsync(ServeArgs(dir.Path), CleanEnvironment);
        Assert.Equal(HttpStatusCode.OK, await ReceiverStatusAsync(server, first));
    }

    [Fact]
    public async Task Create_WithAnUnknownPlan_ExitsTwo()
    {
        using var dir = new TempDirectory();
        var result = await Cli.RunAsync(["keys", "create", "--name", "planless", "--plan", "nope", "--data-dir", dir.Path]);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Contains("nope", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_OfAnUnknownName_FailsWithAClearMessage()
    {
        using var dir = new TempDirectory();
        var result = await Cli.RunAsync(["keys", "revoke", "ghost", "--data-dir", dir.Path]);
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("ghost", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    private static async Task<string> CreateKeyAsync(string dataDir, string name)
    {
        var result = await Cli.RunAsync(["keys", "create", "--name", name, "--data-dir", dataDir]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var key = Assert.Single(result.StdoutLines);
        Assert.True(key.Length >= 20, $"key '{key}' is shorter than 20 characters");
        return key;
    }

    private static Task<HttpResponseMessage> ReceiverAsync(GatewayProcess server, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/dev/receiver?progId=5");
        if (key is not null)
        {
            request.Headers.Add("x-api-key", key);
        }

        return server.Http.SendAsync(request);
    }

    private static async Task<HttpStatusCode> ReceiverStatusAsync(GatewayProcess server, string? key)
    {
        using var response = await ReceiverAsync(server, key);
        return response.StatusCode;
    }
}
