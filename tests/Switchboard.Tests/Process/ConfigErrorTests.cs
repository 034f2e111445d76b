using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;
using static Switchboard.Tests.Processes.ProcessTestKit;

namespace Switchboard.Tests.Processes;

/// <summary><c>serve --config</c> with a bad definition: exit 2 and one <c>FILE: $.json.path: message</c> line per problem.</summary>
[Collection(ProcessCollection.Name)]
public sealed class ConfigErrorTests
{
    [Fact]
    public async Task InvalidDefinition_ExitsTwo_AndListsEveryProblemWithFileAndJsonPath()
    {
        using var dir = new TempDirectory();
        var file = await WriteDefinitionAsync(dir.Path, "bad.json", json =>
        {
            var api = json["webSocketApis"]![0]!.AsObject();
            var routes = api["routes"]!.AsObject();
            routes["onMessage"]!["integration"]!["type"] = "brodcast";
            routes["$bogus"] = new JsonObject { ["integration"] = new JsonObject { ["type"] = "broadcast", ["payload"] = "$request.body.message" } };
            json["limits"]!["maxMessageBytes"] = -1;
            json["usagePlans"]![0]!["quota"]!["period"] = "YEAR";
            api["routeSelectionExpresion"] = "$request.body.action";
        });

        var result = await RunServeAsync(dir.Path, file);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.DoesNotContain("listening", result.Stdout, StringComparison.OrdinalIgnoreCase);
        var lines = result.StderrLines;
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.StartsWith($"{file}: $.", line, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(".integration.type:", StringComparison.Ordinal) && l.Contains("brodcast", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("$.webSocketApis[0].routes", StringComparison.Ordinal) && l.Contains("$bogus", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("$.limits.maxMessageBytes:", StringComparison.Ordinal) && l.Contains("-1", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("$.usagePlans[0].quota.period:", StringComparison.Ordinal) && l.Contains("YEAR", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("$.webSocketApis[0].routeSelectionExpresion:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task JsonSyntaxError_ExitsTwo_WithTheLocation()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "syntax.json");
        await File.WriteAllTextAsync(file, "{\n  \"webSocketApis\": [\n    { \"name\": \"x\" }\n  ]\n  \"limits\": {}\n}\n");

        var result = await RunServeAsync(dir.Path, file);

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith($"{file}: $", line, StringComparison.Ordinal);
        Assert.Contains("line 5", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingConfigFile_ExitsTwo_NamingTheFile()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "absent.json");

        var result = await RunServeAsync(dir.Path, file);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith($"{file}: ", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    /// <summary>Runs <c>serve --config FILE</c>, which must end on its own; a server that starts anyway is killed by the timeout.</summary>
    private static Task<CliResult> RunServeAsync(string dir, string file) =>
        Cli.RunAsync(["serve", .. ServeArgs(Path.Combine(dir, "data"), "--config", file)], CleanEnvironment, TimeSpan.FromSeconds(30));
}
