using System.Text;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>Binary frames from clients (the README): routed like non-JSON by default, or refused with 1003.</summary>
public sealed class BinaryFrameTests
{
    private static readonly byte[] ValidBroadcastAsBinary = Encoding.UTF8.GetBytes(SeedMessages.OnMessage("binary"));

    [Fact]
    public async Task BinaryFrame_IsRoutedLikeNonJson_SoTheSeedAnswersForbidden_AndTheSocketStaysOpen()
    {
        await using var server = await GatewayServer.StartAsync();
        var (a, id) = await server.ConnectWithIdAsync();
        await using var _ = a;
        await using var b = await server.ConnectAsync();

        // Even a valid onMessage body with the right key is not route-selected when it comes as binary.
        await a.SendBinaryAsync(ValidBroadcastAsBinary);
        var frame = SeedMessages.AssertErrorFrame(await a.ReceiveTextAsync(), "Forbidden");
        Assert.Equal(id, frame.ConnectionId);
        await a.SendBinaryAsync([0x00, 0xFF, 0xFE]);
        SeedMessages.AssertErrorFrame(await a.ReceiveTextAsync(), "Forbidden");
        await b.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));

        await a.SendTextAsync(SeedMessages.OnMessage("text still works"));
        Assert.Equal("text still works", await b.ReceiveTextAsync());
    }

    [Fact]
    public async Task BinaryFrame_WhenRejected_ClosesTheSenderWith1003_AndOnlyTheSender()
    {
        await using var server = await GatewayServer.StartAsync(TestDefinitions.WithLimits(l => l with { BinaryFrames = "reject" }));
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();
        await using var c = await server.ConnectAsync();

        await a.SendBinaryAsync(ValidBroadcastAsBinary);

        Assert.Equal(1003, await a.ReceiveCloseAsync());
        await c.SendTextAsync(SeedMessages.OnMessage("after the reject"));
        Assert.Equal("after the reject", await b.ReceiveTextAsync());
    }

    [Fact]
    public async Task TextFrames_WhenBinaryIsRejected_StillRoute()
    {
        await using var server = await GatewayServer.StartAsync(TestDefinitions.WithLimits(l => l with { BinaryFrames = "reject" }));
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync(SeedMessages.OnMessage("text"));

        Assert.Equal("text", await b.ReceiveTextAsync());
    }
}
