using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Processes;

/// <summary>the README: bad arguments exit 2 with one line per problem; <c>--help</c> works on every command.</summary>
[Collection(ProcessCollection.Name)]
public sealed class MisuseTests
{
    [Theory]
    [InlineData("serve --frobnicate", "--frobnicate")]
    [InlineData("keys list --frobnicate", "--frobnicate")]
    [InlineData("init --output", "--output")]
    [InlineData("keys create", "--name")]
    [InlineData("keys revoke", "revoke")]
    public async Task UnknownOptionOrMissingValue_ExitsTwo_WithOneErrorLineNamingIt(string commandLine, string culprit) =>
        await AssertOneErrorLineAsync(commandLine.Split(' '), culprit);

    // System.CommandLine also reports "Required command was not provided." here; that is not a problem of its own.
    [Theory]
    [InlineData("frobnicate", "frobnicate")]
    [InlineData("keys frobnicate", "frobnicate")]
    public async Task UnknownCommand_ExitsTwo_WithOneErrorLineNamingIt(string commandLine, string culprit) =>
        await AssertOneErrorLineAsync(commandLine.Split(' '), culprit);

    [Fact]
    public async Task UnknownCommand_ExitsTwo_NamingIt()
    {
        var result = await Cli.RunAsync(["frobnicate"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Contains(ErrorLines(result), l => l.Contains("'frobnicate'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("serve")]
    [InlineData("init")]
    [InlineData("keys")]
    [InlineData("keys create")]
    [InlineData("keys list")]
    [InlineData("keys revoke")]
    [InlineData("connections")]
    [InlineData("connections list")]
    public async Task Help_OnEveryCommand_ExitsZero_AndPrintsUsage(string command)
    {
        string[] args = [.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"];
        var result = await Cli.RunAsync(args);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Usage:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains(("switchboard " + command).TrimEnd(), result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServeHelp_ListsEveryOptionWithItsDefault()
    {
        var result = await Cli.RunAsync(["serve", "--help"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var option in new[] { "--urls", "--config", "--data-dir", "--store", "--redis", "--node-id" })
        {
            Assert.Contains(option, result.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("http://127.0.0.1:8080", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("./.switchboard", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("[default: sqlite]", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServeWithRedisStoreButNoRedisAddress_ExitsTwo_SayingWhatToAdd()
    {
        using var dir = new TempDirectory();
        var result = await Cli.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data-dir", dir.Path, "--store", "redis"], timeout: TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--store redis needs --redis", Assert.Single(ErrorLines(result)), StringComparison.Ordinal);
    }

    // System.CommandLine words this problem over several lines (a tab-indented line per allowed value).
    [Fact]
    public async Task ServeWithAnUnknownStore_ExitsTwo_WithOneErrorLine() =>
        await AssertOneErrorLineAsync(["serve", "--urls", "http://127.0.0.1:0", "--store", "mongo"], "mongo");

    [Fact]
    public async Task ServeWithAnUnknownStore_ExitsTwo()
    {
        var result = await Cli.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--store", "mongo"], timeout: TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Contains("mongo", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoreFromTheEnvironment_IsUsed_AndTheCommandLineWins()
    {
        using var dir = new TempDirectory();
        var env = new Dictionary<string, string?> { ["SWITCHBOARD_STORE"] = "redis" };

        var fromEnv = await Cli.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data-dir", dir.Path], env, TimeSpan.FromSeconds(30));
        Assert.True(fromEnv.ExitCode == 2, fromEnv.ToString());
        Assert.Contains("redis", fromEnv.Stderr, StringComparison.Ordinal);

        var list = await Cli.RunAsync(["keys", "list", "--data-dir", dir.Path, "--store", "sqlite"], env);
        Assert.True(list.ExitCode == 0, list.ToString());
    }

    private static async Task AssertOneErrorLineAsync(string[] args, string culprit)
    {
        var result = await Cli.RunAsync(args, timeout: TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        var error = Assert.Single(ErrorLines(result));
        Assert.Contains(culprit, error, StringComparison.Ordinal);
    }

    /// <summary>The error lines, without a separate "run switchboard --help" hint line that may follow them.</summary>
    private static string[] ErrorLines(CliResult result) =>
        result.StderrLines.Where(l => l.StartsWith("switchboard:", StringComparison.Ordinal) || !l.Contains("--help", StringComparison.Ordinal)).ToArray();
}
