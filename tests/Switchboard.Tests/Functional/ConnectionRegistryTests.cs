using System.Net.WebSockets;
using System.Text.RegularExpressions;
using Switchboard.Registry;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>
/// The registry rows <c>$connect</c> writes and <c>$disconnect</c> removes (the README), seen from outside the
/// socket, on the in-memory and the SQLite store.
/// </summary>
public sealed partial class ConnectionRegistryTests
{
    [GeneratedRegex("^[A-Za-z0-9_-]{16}$")]
    private static partial Regex ConnectionId();

    private static Task AssertRemovedAsync(GatewayServer server, string id) =>
        Eventually.TrueAsync(async () => !await server.IsRegisteredAsync(id), what: $"the registry row of {id} being removed");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Connect_WritesARowWithApiStageSourceIpUserAgentAndNode(bool sqlite)
    {
        await using var server = await GatewayServer.StartAsync(sqlite: sqlite, nodeId: "node-under-test");
        var before = DateTimeOffset.UtcNow;
        var (dev, devId) = await server.ConnectWithIdAsync("dev", "registry-agent/dev");
        await using var _ = dev;
        var (test, testId) = await server.ConnectWithIdAsync("test", "registry-agent/test");
        await using var __ = test;

        var devRow = await server.Registry.GetAsync(devId);
        var testRow = await server.Registry.GetAsync(testId);

        Assert.NotNull(devRow);
        Assert.NotNull(testRow);
        Assert.Equal("OutsystemsWebSocket", devRow.Api);
        Assert.Equal("dev", devRow.Stage);
        Assert.Equal("test", testRow.Stage);
        Assert.Equal("127.0.0.1", devRow.SourceIp);
        Assert.Equal("registry-agent/dev", devRow.UserAgent);
        Assert.Equal("registry-agent/test", testRow.UserAgent);
        Assert.Equal("node-under-test", devRow.NodeId);
        Assert.Equal("node-under-test", testRow.NodeId);
        Assert.InRange(devRow.ConnectedAt, before.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(2, (await server.Registry.ListAsync(new ConnectionQuery(Api: "OutsystemsWebSocket"))).Count);
        Assert.Equal(testId, Assert.Single(await server.Registry.ListAsync(new ConnectionQuery(Stage: "test"))).ConnectionId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ClientClose_RemovesTheRow(bool sqlite)
    {
        await using var server = await GatewayServer.StartAsync(sqlite: sqlite);
        var (leaving, leavingId) = await server.ConnectWithIdAsync();
        var (staying, stayingId) = await server.ConnectWithIdAsync();
        await using var _ = staying;

        await leaving.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WaitAsync(TestWebSocket.DefaultTimeout);
        await leaving.DisposeAsync();

        await AssertRemovedAsync(server, leavingId);
        Assert.True(await server.IsRegisteredAsync(stayingId));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ClientVanishingWithoutAClose_RemovesTheRow(bool sqlite)
    {
        await using var server = await GatewayServer.StartAsync(sqlite: sqlite);
        var (vanishing, id) = await server.ConnectWithIdAsync();

        vanishing.Socket.Abort();
        await vanishing.DisposeAsync();

        await AssertRemovedAsync(server, id);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ManagementDelete_RemovesTheRow(bool sqlite)
    {
        await using var server = await GatewayServer.StartAsync(sqlite: sqlite);
        var (client, id) = await server.ConnectWithIdAsync();
        await using var _ = client;

        using var response = await server.SendAsync(HttpMethod.Delete, $"/dev/@connections/{id}");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(1000, await client.ReceiveCloseAndAnswerAsync());

        await AssertRemovedAsync(server, id);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ServerClose_ForAnOversizedMessage_RemovesTheRow(bool sqlite)
    {
        await using var server = await GatewayServer.StartAsync(TestDefinitions.WithLimits(l => l with { MaxMessageBytes = 64 }), sqlite: sqlite);
        var (client, id) = await server.ConnectWithIdAsync();
        await using var _ = client;

        await client.SendTextAsync(SeedMessages.OnMessage(new string('x', 100)));
        Assert.Equal(1009, await client.ReceiveCloseAndAnswerAsync());

        await AssertRemovedAsync(server, id);
    }

    [Fact]
    public async Task ClientThatNeverAnswersTheServersClose_IsDroppedAfterADeadline_AndItsRowRemoved()
    {
        await using var server = await GatewayServer.StartAsync();
        var (client, id) = await server.ConnectWithIdAsync();
        await using var _ = client;

        using var response = await server.SendAsync(HttpMethod.Delete, $"/dev/@connections/{id}");
        Assert.Equal(1000, await client.ReceiveCloseAsync());

        await Eventually.TrueAsync(async () => !await server.IsRegisteredAsync(id), TimeSpan.FromSeconds(60), "the row of a peer that never answered the close being removed");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ConnectionIds_Are16UrlSafeCharacters_AndAllDifferent(bool sqlite)
    {
        await using var server = await GatewayServer.StartAsync(sqlite: sqlite);
        var clients = new List<TestWebSocket>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                clients.Add(await server.ConnectAsync());
            }

            var ids = (await server.Registry.ListAsync(new ConnectionQuery())).Select(r => r.ConnectionId).ToList();
            Assert.Equal(20, ids.Count);
            Assert.All(ids, id => Assert.Matches(ConnectionId(), id));
            Assert.Equal(20, ids.Distinct(StringComparer.Ordinal).Count());
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ManyClientsComingAndGoing_LeaveNoRowsBehind(bool sqlite)
    {
        await using var server = await GatewayServer.StartAsync(sqlite: sqlite);

        var clients = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => server.ConnectAsync()));
        Assert.Equal(20, (await server.Registry.ListAsync(new ConnectionQuery())).Count);
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        await Eventually.TrueAsync(
            async () => (await server.Registry.ListAsync(new ConnectionQuery())).Count == 0,
            what: "every registry row being removed");
    }
}
