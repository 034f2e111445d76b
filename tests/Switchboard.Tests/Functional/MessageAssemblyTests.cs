using System.Text;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>
/// A message must arrive whole in time and in a bounded number of frames: a frame sent in part or a fragmented message
/// left open is closed with 1008 after <c>limits.messageAssemblySeconds</c> (30 s, on a clock the test moves); one frame more than
/// <c>limits.maxMessageFragments</c> is closed with 1008 at once. Other clients are untouched.
/// </summary>
public sealed class MessageAssemblyTests
{
    [Fact]
    public async Task FragmentedMessageLeftOpen_IsClosedWith1008_AtTheAssemblyTime()
    {
        await using var server = await GatewayServer.StartAsync(time: new TestClock());
        var (client, _) = await server.ConnectRawAsync();
        await using var __ = client;

        await client.SendFrameAsync(0x1, Encoding.UTF8.GetBytes("{\"action\":"), fin: false);
        await client.AssertOpenAsync(); // a ping may come between fragments; its pong says the fragment was read
        server.AdvanceAndSweep(TimeSpan.FromSeconds(29));
        await client.AssertOpenAsync();
        server.AdvanceAndSweep(TimeSpan.FromSeconds(1));

        Assert.Equal(1008, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task FrameSentInPart_IsClosedWith1008_AtTheAssemblyTime()
    {
        await using var server = await GatewayServer.StartAsync(time: new TestClock());
        var (client, userAgent) = await server.ConnectRawAsync();
        await using var _ = client;

        // The header promises 1,000 bytes; 10 come.
        await client.SendFrameAsync(0x1, Encoding.UTF8.GetBytes("0123456789"), claimedLength: 1000);
        var connection = server.ServerSide(userAgent);
        await Eventually.TrueAsync(() => Task.FromResult(connection.MessageStartedTimestamp != long.MaxValue), what: "the server reading the frame's header");
        server.AdvanceAndSweep(TimeSpan.FromSeconds(29));
        Assert.True(connection.IsOpen, "closed before the assembly time");
        server.AdvanceAndSweep(TimeSpan.FromSeconds(1));

        Assert.Equal(1008, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task MessagesThatArriveInTime_AreUntouched()
    {
        await using var server = await GatewayServer.StartAsync(time: new TestClock());
        await using var receiver = await server.ConnectAsync();
        var (sender, _) = await server.ConnectRawAsync();
        await using var __ = sender;

        await sender.SendFrameAsync(0x1, Encoding.UTF8.GetBytes("{\"action\":\"onMessage\","), fin: false);
        await sender.AssertOpenAsync();
        server.AdvanceAndSweep(TimeSpan.FromSeconds(20));
        await sender.SendFrameAsync(0x0, Encoding.UTF8.GetBytes("\"message\":\"in time\",\"key\":\"1234\"}"));
        Assert.Equal("in time", await receiver.ReceiveTextAsync());

        // The next message's clock starts at its own first frame.
        server.AdvanceAndSweep(TimeSpan.FromSeconds(20));
        await sender.AssertOpenAsync();
    }

    [Fact]
    public async Task OneFragmentOverTheCap_IsClosedWith1008_WhileTheCapItselfIsFine()
    {
        await using var server = await GatewayServer.StartAsync(TestDefinitions.WithLimits(l => l with { MaxMessageFragments = 4 }));
        await using var receiver = await server.ConnectAsync();
        await using (var fine = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/dev"))
        {
            var parts = new[] { "{\"action\":\"onMessage\",", "\"message\":\"four\",", "\"key\":", "\"1234\"}" };
            for (var i = 0; i < parts.Length; i++)
            {
                await fine.SendFrameAsync(i == 0 ? 0x1 : 0x0, Encoding.UTF8.GetBytes(parts[i]), fin: i == parts.Length - 1);
            }

            Assert.Equal("four", await receiver.ReceiveTextAsync());
        }

        await using var tooMany = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/dev");
        for (var i = 0; i < 5; i++)
        {
            await tooMany.SendFrameAsync(i == 0 ? 0x1 : 0x0, Encoding.UTF8.GetBytes(" "), fin: false);
        }

        Assert.Equal(1008, await tooMany.ReceiveCloseAsync(TimeSpan.FromSeconds(10)));
    }
}
