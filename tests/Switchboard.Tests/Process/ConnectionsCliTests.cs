using System.Net;
using Switchboard.Tests.Infrastructure;
using static Switchboard.Tests.Processes.ProcessTestKit;

namespace Switchboard.Tests.Processes;

/// <summary><c>switchboard connections list</c> against the store of a running server.</summary>
[Collection(ProcessCollection.Name)]
public sealed class ConnectionsCliTests
{
    [Fact]
    public async Task ConnectionsList_ShowsIdApiStageConnectedAtSourceIpAndNode()
    {
        using var dir = new TempDirectory();
        await using var server = await GatewayProcess.StartAsync(ServeArgs(dir.Path, "--node-id", "node-a"), CleanEnvironment);
        var before = DateTimeOffset.UtcNow.AddSeconds(-2);
        await using var client = await server.ConnectAsync("test");
        var after = DateTimeOffset.UtcNow.AddSeconds(2);
        var id = await ConnectionIdAsync(client);

        var rows = await PollConnectionsAsync(dir.Path, rows => rows.Any(r => r.Id == id), "the connection listed");
        var row = Assert.Single(rows);
        Assert.Equal("OutsystemsWebSocket", row.Api);
        Assert.Equal("test", row.Stage);
        Assert.InRange(row.ConnectedAt, before, after);
        Assert.Equal("127.0.0.1", row.SourceIp);
        Assert.Equal("node-a", row.Node);
    }

    [Fact]
    public async Task ConnectionsList_WithoutANodeId_NamesTheNodeByHostAndPort()
    {
        using var dir = new TempDirectory();
        await using var server = await GatewayProcess.StartAsync(ServeArgs(dir.Path), CleanEnvironment);
        await using var client = await server.ConnectAsync();
        var id = await ConnectionIdAsync(client);

        var rows = await PollConnectionsAsync(dir.Path, rows => rows.Any(r => r.Id == id), "the connection listed");
        Assert.Equal($"{Dns.GetHostName()}:{server.Port}", Assert.Single(rows).Node);
    }

    [Fact]
    public async Task Serve_TakesItsOptionsFromTheEnvironment_AndTheCommandLineWins()
    {
        using var dir = new TempDirectory();
        var env = new Dictionary<string, string?>
        {
            ["SWITCHBOARD_URLS"] = "http://127.0.0.1:0",
            ["SWITCHBOARD_DATA_DIR"] = dir.Path,
            ["SWITCHBOARD_NODE_ID"] = "env-node",
        };

        await using (var fromEnv = await GatewayProcess.StartAsync([], env))
        {
            await using var client = await fromEnv.ConnectAsync();
            var id = await ConnectionIdAsync(client);
            var rows = await PollConnectionsAsync(dir.Path, rows => rows.Any(r => r.Id == id), "the connection listed in the environment's data dir");
            Assert.Equal("env-node", Assert.Single(rows).Node);
        }

        await using var fromArgs = await GatewayProcess.StartAsync(["--node-id", "cli-node"], env);
        await using var other = await fromArgs.ConnectAsync();
        var otherId = await ConnectionIdAsync(other);
        var all = await PollConnectionsAsync(dir.Path, rows => rows.Any(r => r.Id == otherId), "the second connection listed");
        Assert.Equal("cli-node", all.Single(r => r.Id == otherId).Node);
    }

    [Fact]
    public async Task ConnectionsList_OnAnEmptyStore_PrintsTheHeaderOnly()
    {
        using var dir = new TempDirectory();
        Assert.Empty(await ListConnectionsAsync(dir.Path));
    }
}
