using System.Net;
using System.Text.Json;
using Switchboard.Definition;
using Switchboard.Groups;
using Switchboard.Sqlite;
using Switchboard.Tests.Infrastructure;
using static Switchboard.Tests.Processes.ProcessTestKit;

namespace Switchboard.Tests.Processes;

/// <summary>Group memberships of the real process across kill -9 and a restart with the same node id.</summary>
[Collection(ProcessCollection.Name)]
public sealed class GroupRestartTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task KillNine_LeavesItsMemberships_AndARestartWithTheSameNodeIdRemovesThem_KeepingALiveRunOfAnotherNode()
    {
        using var dir = new TempDirectory();
        var group = "restart-" + Guid.NewGuid().ToString("N");
        string crashedId;
        await using (var first = await GatewayProcess.StartAsync(ServeArgs(dir.Path, "--node-id", "g1"), CleanEnvironment))
        {
            await using var client = await first.ConnectAsync();
            crashedId = await ConnectionIdAsync(client);
            using (var join = await first.Http.PutAsync($"/dev/@groups/{group}/{crashedId}", null).WaitAsync(Timeout))
            {
                Assert.Equal(HttpStatusCode.NoContent, join.StatusCode);
            }

            Assert.Equal([crashedId], await ListAsync(first.Http, group));
            await first.KillAsync();
        }

        // Nobody cleaned up: the membership is still in the file, and a live run of another node (it sent a heartbeat
        // just now) joins it too.
        using (var database = SqliteDatabase.Open(dir.Path))
        {
            await using (var registry = new SqliteConnectionRegistry(database, Microsoft.Extensions.Logging.Abstractions.NullLogger<SqliteConnectionRegistry>.Instance))
            {
                await registry.HeartbeatAsync("its-run", "other-node", DateTimeOffset.UtcNow).AsTask().WaitAsync(Timeout);
            }

            var store = new SqliteGroupStore(database);
            Assert.Equal([crashedId], await store.ListAsync(SeedDefinition.WebSocketApiName, "dev", group).AsTask().WaitAsync(Timeout));
            await store.AddAsync(new GroupMember(SeedDefinition.WebSocketApiName, "dev", group, "othernode0000001", "other-node", "its-run")).AsTask().WaitAsync(Timeout);
        }

        await using var second = await GatewayProcess.StartAsync(ServeArgs(dir.Path, "--node-id", "g1"), CleanEnvironment);
        Assert.Equal(["othernode0000001"], await ListAsync(second.Http, group));

        await using var fresh = await second.ConnectAsync();
        var freshId = await ConnectionIdAsync(fresh);
        using (var join = await second.Http.PutAsync($"/dev/@groups/{group}/{freshId}", null).WaitAsync(Timeout))
        {
            Assert.Equal(HttpStatusCode.NoContent, join.StatusCode);
        }

        Assert.Equal(["othernode0000001", freshId], await ListAsync(second.Http, group));
        using var send = await second.Http.PostAsync($"/dev/@groups/{group}", new StringContent("after restart")).WaitAsync(Timeout);
        Assert.Equal("{\"sent\":1}", await send.Content.ReadAsStringAsync());
        Assert.Equal("after restart", await fresh.ReceiveTextAsync());
    }

    private static async Task<string[]> ListAsync(HttpClient http, string group)
    {
        using var response = await http.GetAsync($"/dev/@groups/{group}").WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. json.RootElement.GetProperty("connections").EnumerateArray().Select(e => e.GetString()!)];
    }
}
