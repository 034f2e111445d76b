using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Registry;
using Switchboard.Sqlite;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>A clean stop (the README): every socket closed with 1001, this node's rows gone from the store.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task CleanStop_ClosesEverySocketWith1001_AndLeavesNoRowsInTheStore()
    {
        using var directory = new TempDirectory();
        var closes = new List<Task<int?>>();
        var server = await GatewayServer.StartAsync(TestDefinitions.WithLimits(l => l with { ShutdownDrainSeconds = 5 }), dataDir: directory.Path);
        var clients = new List<TestWebSocket>();
        try
        {
            foreach (var stage in new[] { "dev", "dev", "test" })
            {
                var client = await server.ConnectAsync(stage);
                clients.Add(client);
                closes.Add(client.ReceiveCloseAndAnswerAsync(TimeSpan.FromSeconds(30)));
            }

            Assert.Equal(3, (await server.Registry.ListAsync(new ConnectionQuery())).Count);
        }
        finally
        {
            await server.DisposeAsync();
        }

        foreach (var close in closes)
        {
            Assert.Equal(1001, await close.WaitAsync(TimeSpan.FromSeconds(30)));
        }

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        using var database = SqliteDatabase.Open(directory.Path);
        await using var registry = new SqliteConnectionRegistry(database, NullLogger<SqliteConnectionRegistry>.Instance);
        Assert.Empty(await registry.ListAsync(new ConnectionQuery()));
    }
}
