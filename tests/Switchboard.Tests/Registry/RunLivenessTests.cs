using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Definition;
using Switchboard.Groups;
using Switchboard.Registry;
using Switchboard.Sqlite;
using Switchboard.Tests.Functional;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Registry;

/// <summary>
/// Rows are tied to a run that sends heartbeats: a start removes what crashed runs left, whatever node id they had, and
/// a clean stop leaves nothing of its own run, even when a connection's own clean-up finishes late.
/// </summary>
public sealed class RunLivenessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Start_RemovesTheRowsOfACrashedRunUnderAnotherNodeId_AndKeepsTheRowsOfALiveRun()
    {
        using var dataDir = new TempDataDirectory();
        var now = DateTimeOffset.UtcNow;
        using (var database = SqliteDatabase.Open(dataDir.Path))
        {
            // Runs of other processes on this file: one crashed ten minutes ago under a node id this host no longer has
            // (another port), one still beating.
            await using var registry = new SqliteConnectionRegistry(database, NullLogger<SqliteConnectionRegistry>.Instance);
            var groups = new SqliteGroupStore(database);
            await SeedRunAsync(registry, groups, "crashed-run", "old-host:41234", now.AddMinutes(-10), "crashed00000001", "crashed00000002");
            await SeedRunAsync(registry, groups, "live-run", "other-host:8080", now, "alive0000000001");
        }

        await using var server = await GatewayServer.StartAsync(dataDir: dataDir.Path);

        Assert.Equal(["alive0000000001"], (await server.Registry.ListAsync(new ConnectionQuery())).Select(r => r.ConnectionId));
        Assert.Equal(["alive0000000001"], await GroupHttp.ListAsync(server, "room"));
        Assert.DoesNotContain("crashed-run", (await server.Registry.ListRunsAsync()).Select(r => r.RunId));
    }

    [Fact]
    public async Task CleanStop_WithADisconnectThatFinishesLate_LeavesNoRowsMembershipsOrRun()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("/late-disconnect", BackendReply.Json("{}").After(TimeSpan.FromMinutes(1)));
        var definition = TestDefinitions.WithWebSocketApi(api => api with
        {
            Routes = new Dictionary<string, RouteDefinition>(api.Routes)
            {
                ["$disconnect"] = new() { Integration = BackendDefinitions.Http(backend, "/late-disconnect") },
            },
        }) with
        {
            Limits = new LimitsDefinition { ShutdownDrainSeconds = 1 },
        };
        using var dataDir = new TempDataDirectory();
        var server = await GatewayServer.StartAsync(definition, dataDir: dataDir.Path);
        var clients = new List<TestWebSocket>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var (client, id) = await server.ConnectWithIdAsync();
                clients.Add(client);
                await GroupHttp.JoinAsync(server, "room", id);
            }
        }
        finally
        {
            // The clients never answer the close: the drain drops them, and each $disconnect waits on the backend until
            // the stop's exit deadline gives up on it.
            await server.DisposeAsync();
        }

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        Assert.Equal(3, backend.RequestsTo("/late-disconnect").Count);
        using var database = SqliteDatabase.Open(dataDir.Path);
        await using var registry = new SqliteConnectionRegistry(database, NullLogger<SqliteConnectionRegistry>.Instance);
        Assert.Empty(await registry.ListAsync(new ConnectionQuery()).AsTask().WaitAsync(Timeout));
        Assert.Empty(await registry.ListRunsAsync().AsTask().WaitAsync(Timeout));
        Assert.Empty(await new SqliteGroupStore(database).ListRunsAsync().AsTask().WaitAsync(Timeout));
    }

    private static async Task SeedRunAsync(IConnectionRegistry registry, IGroupStore groups, string runId, string nodeId, DateTimeOffset heartbeatAt, params string[] connectionIds)
    {
        await registry.HeartbeatAsync(runId, nodeId, heartbeatAt).AsTask().WaitAsync(Timeout);
        foreach (var id in connectionIds)
        {
            await registry.AddAsync(new ConnectionRecord(id, SeedDefinition.WebSocketApiName, "dev", heartbeatAt, heartbeatAt, "192.0.2.7", null, nodeId, runId)).AsTask().WaitAsync(Timeout);
            await groups.AddAsync(new GroupMember(SeedDefinition.WebSocketApiName, "dev", "room", id, nodeId, runId)).AsTask().WaitAsync(Timeout);
        }
    }
}
