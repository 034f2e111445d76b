using Switchboard.Tests.Infrastructure;
using static Switchboard.Tests.Processes.ProcessTestKit;

namespace Switchboard.Tests.Processes;

/// <summary><c>switchboard init</c>: writes the built-in definition, never overwrites, and the file serves like the default.</summary>
[Collection(ProcessCollection.Name)]
public sealed class InitTests
{
    [Fact]
    public async Task Init_WritesTheDefinition_AndRefusesToOverwriteIt()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "switchboard.json");

        var first = await Cli.RunAsync(["init", "--output", file]);
        Assert.True(first.ExitCode == 0, first.ToString());
        var written = await File.ReadAllTextAsync(file);
        Assert.Contains("\"OutsystemsWebSocket\"", written, StringComparison.Ordinal);

        var second = await Cli.RunAsync(["init", "--output", file]);
        Assert.True(second.ExitCode == 2, second.ToString());
        Assert.Contains(file, Assert.Single(second.StderrLines), StringComparison.Ordinal);
        Assert.Equal(written, await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task Init_WithoutOutput_WritesSwitchboardJsonInTheWorkingDirectory()
    {
        using var dir = new TempDirectory();
        var result = await Cli.RunAsync(["init"], workingDirectory: dir.Path);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(Path.Combine(dir.Path, "switchboard.json")), result.ToString());
    }

    [Fact]
    public async Task ServingTheInitFile_BehavesLikeTheDefault_SeedBroadcastWorks()
    {
        using var dir = new TempDirectory();
        var file = await WriteDefinitionAsync(dir.Path, "switchboard.json");
        await using var server = await GatewayProcess.StartAsync(ServeArgs(Path.Combine(dir.Path, "data"), "--config", file), CleanEnvironment);
        Assert.Contains($"ws://127.0.0.1:{server.Port}/dev", server.Stdout, StringComparison.Ordinal);
        Assert.Contains($"ws://127.0.0.1:{server.Port}/test", server.Stdout, StringComparison.Ordinal);

        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();
        await using var c = await server.ConnectAsync();
        await a.SendTextAsync(SeedMessage);

        Assert.Equal("hello from a process test", await b.ReceiveTextAsync());
        Assert.Equal("hello from a process test", await c.ReceiveTextAsync());
        await a.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));
    }
}
