using System.Net.WebSockets;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary><c>POST /{stage}/@connections</c>: one frame to every connection of one stage.</summary>
public sealed class GroupStageSendTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PostToStage_ReachesEveryConnectionOfThatStageOnce_AndNoOtherStage(bool sqlite)
    {
        await using var server = await GatewayServer.StartAsync(sqlite: sqlite);
        await using var dev1 = await server.ConnectAsync("dev");
        var (dev2, dev2Id) = await server.ConnectWithIdAsync("dev");
        await using var _ = dev2;
        await GroupHttp.JoinAsync(server, GroupHttp.UniqueGroup(), dev2Id);
        await using var dev3 = await server.ConnectAsync("dev");
        await using var test1 = await server.ConnectAsync("test");

        Assert.Equal(3, await GroupHttp.SendAsync(server, "/dev/@connections", "to the stage"));

        foreach (var client in new[] { dev1, dev2, dev3 })
        {
            Assert.Equal("to the stage", await client.ReceiveTextAsync());
        }

        await Task.WhenAll(new[] { dev1, dev2, dev3 }.Select(c => c.AssertNothingReceivedAsync(Quiet)));
        await test1.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task PostToStage_OfBytesThatAreNotUtf8_ArrivesAsBinary_AndAnEmptyStageCountsZero()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var client = await server.ConnectAsync("dev");
        byte[] data = [0xC0, 0xAF, 0x01];

        using var response = await server.SendAsync(HttpMethod.Post, "/dev/@connections", body: data);

        Assert.Equal("{\"sent\":1}", await response.Content.ReadAsStringAsync());
        var message = await client.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Binary, message.Type);
        Assert.Equal(data, message.Bytes);
        Assert.Equal(0, await GroupHttp.SendAsync(server, "/test/@connections", "nobody on test"));
    }
}
