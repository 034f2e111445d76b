using System.Diagnostics;
using Switchboard.Tests.Infrastructure;
using static Switchboard.Tests.Processes.ProcessTestKit;

namespace Switchboard.Tests.Processes;

/// <summary>the README: a clean stop on SIGTERM/SIGINT, and a restart after kill -9, on the real process.</summary>
[Collection(ProcessCollection.Name)]
public sealed class ShutdownTests
{
    // The built-in definition's limits.shutdownDrainSeconds.
    private static readonly TimeSpan SeedDrain = TimeSpan.FromSeconds(10);

    // Process teardown after the drain (store close, runtime exit) on a busy machine.
    private static readonly TimeSpan ExitSlack = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Sigterm_ClosesEveryClientWith1001_ExitsZeroWithinTheDrain_AndLeavesNoRows()
    {
        using var dir = new TempDirectory();
        await using var server = await GatewayProcess.StartAsync(ServeArgs(dir.Path), CleanEnvironment);
        await using var a = await server.ConnectAsync("dev");
        await using var b = await server.ConnectAsync("test");
        var ids = new[] { await ConnectionIdAsync(a), await ConnectionIdAsync(b) };
        await PollConnectionsAsync(dir.Path, rows => ids.All(id => rows.Any(r => r.Id == id)), "both connections registered");

        var clock = Stopwatch.StartNew();
        await server.SendSignalAsync("TERM");
        var closeA = ReceiveCloseAndAnswerAsync(a, SeedDrain);
        var closeB = ReceiveCloseAndAnswerAsync(b, SeedDrain);
        Assert.Equal(1001, await closeA);
        Assert.Equal(1001, await closeB);

        var exit = await server.WaitForExitAsync(SeedDrain + ExitSlack);
        clock.Stop();
        Assert.True(exit == 0, $"exit {exit}\nstdout:\n{server.Stdout}\nstderr:\n{server.Stderr}");

        // Both clients answered the close, so nothing had to wait for the drain to run out.
        Assert.True(clock.Elapsed < SeedDrain, $"the stop took {clock.Elapsed} although every client answered the close");
        Assert.Empty(await ListConnectionsAsync(dir.Path));
    }

    [Fact]
    public async Task Sigint_StopsLikeSigterm()
    {
        using var dir = new TempDirectory();
        await using var server = await GatewayProcess.StartAsync(ServeArgs(dir.Path), CleanEnvironment);
        await using var a = await server.ConnectAsync();
        var id = await ConnectionIdAsync(a);
        await PollConnectionsAsync(dir.Path, rows => rows.Any(r => r.Id == id), "the connection registered");

        await server.SendSignalAsync("INT");
        Assert.Equal(1001, await ReceiveCloseAndAnswerAsync(a, SeedDrain));

        var exit = await server.WaitForExitAsync(SeedDrain + ExitSlack);
        Assert.True(exit == 0, $"exit {exit}\nstdout:\n{server.Stdout}\nstderr:\n{server.Stderr}");
        Assert.Empty(await ListConnectionsAsync(dir.Path));
    }

    [Fact]
    public async Task Sigterm_ClientsThatNeverAnswerTheClose_AreDroppedAfterTheDrain_ExitZero_AndLeaveNoRows()
    {
        using var dir = new TempDirectory();
        var drain = TimeSpan.FromSeconds(2);
        var config = await WriteDefinitionAsync(dir.Path, "drain.json", json => json["limits"]!["shutdownDrainSeconds"] = (int)drain.TotalSeconds);
        await using var server = await GatewayProcess.StartAsync(ServeArgs(Path.Combine(dir.Path, "data"), "--config", config), CleanEnvironment);
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();
        var ids = new[] { await ConnectionIdAsync(a), await ConnectionIdAsync(b) };
        await PollConnectionsAsync(Path.Combine(dir.Path, "data"), rows => ids.All(id => rows.Any(r => r.Id == id)), "both connections registered");

        await server.SendSignalAsync("TERM");

        // Read the close but never answer it: the server must give up on these clients once the drain time is over.
        Assert.Equal(1001, await a.ReceiveCloseAsync(drain + ExitSlack));
        Assert.Equal(1001, await b.ReceiveCloseAsync(drain + ExitSlack));
        var exit = await server.WaitForExitAsync(drain + ExitSlack + TimeSpan.FromSeconds(5));
        Assert.True(exit == 0, $"exit {exit}\nstdout:\n{server.Stdout}\nstderr:\n{server.Stderr}");
        Assert.Empty(await ListConnectionsAsync(Path.Combine(dir.Path, "data")));
    }

    [Fact]
    public async Task KillNine_LeavesItsRows_AndARestartWithTheSameNodeIdRemovesThem_KeepingNewConnections()
    {
        using var dir = new TempDirectory();
        string[] crashedIds;
        await using (var first = await GatewayProcess.StartAsync(ServeArgs(dir.Path, "--node-id", "n1"), CleanEnvironment))
        {
            await using var a = await first.ConnectAsync();
            await using var b = await first.ConnectAsync();
            crashedIds = [await ConnectionIdAsync(a), await ConnectionIdAsync(b)];
            await PollConnectionsAsync(dir.Path, rows => crashedIds.All(id => rows.Any(r => r.Id == id)), "both connections registered");

            await first.KillAsync();
        }

        // Nobody cleaned up: the rows are still there, on node n1.
        var left = await ListConnectionsAsync(dir.Path);
        Assert.Equal(crashedIds.Order(), left.Select(r => r.Id).Order());
        Assert.All(left, row => Assert.Equal("n1", row.Node));

        await using var second = await GatewayProcess.StartAsync(ServeArgs(dir.Path, "--node-id", "n1"), CleanEnvironment);
        await using var c = await second.ConnectAsync();
        var newId = await ConnectionIdAsync(c);
        var rows = await PollConnectionsAsync(
            dir.Path,
            rows => rows.Any(r => r.Id == newId) && !rows.Any(r => crashedIds.Contains(r.Id)),
            "the crashed run's rows removed and the new connection registered");
        Assert.Equal([newId], rows.Select(r => r.Id));
        Assert.Equal("n1", rows[0].Node);
    }

    [Fact]
    public async Task KillNine_OfAnotherNode_DoesNotLetARestartOfThisNodeRemoveItsRows()
    {
        using var dir = new TempDirectory();
        string otherId;
        await using (var other = await GatewayProcess.StartAsync(ServeArgs(dir.Path, "--node-id", "other"), CleanEnvironment))
        {
            await using var a = await other.ConnectAsync();
            otherId = await ConnectionIdAsync(a);
            await PollConnectionsAsync(dir.Path, rows => rows.Any(r => r.Id == otherId), "the connection registered");
            await other.KillAsync();
        }

        // Its last heartbeat is seconds old: until it is 15 s old the killed run cannot be told from a live one.
        await using var n1 = await GatewayProcess.StartAsync(ServeArgs(dir.Path, "--node-id", "n1"), CleanEnvironment);
        await using var c = await n1.ConnectAsync();
        var newId = await ConnectionIdAsync(c);
        var rows = await PollConnectionsAsync(dir.Path, rows => rows.Any(r => r.Id == newId), "the new connection registered");
        Assert.Contains(rows, r => r.Id == otherId && r.Node == "other");
    }
}
