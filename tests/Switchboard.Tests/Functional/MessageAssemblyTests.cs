using System.Text;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>
/// A message must arrive whole in time and in a bounded number of frames: a frame sent in part or a fragmented message
/// left open is closed with 1008 after <c>limits.messageAssemblySeconds</c>; one frame more than
/// <c>limits.maxMessageFragments</c> is closed with 1008 at once. Other clients are untouched.
/// </summary>
public sealed class MessageAssemblyTests
{
    [Fact]
    public async Task FragmentedMessageLeftOpen_IsClosedWith1008_AfterTheAssemblyTime()
    {
        await using var server = await GatewayServer.StartAsync(TestDefinitions.WithLimits(l => l with { MessageAssemblySeconds = 1 }));
        await using var client = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/dev");

        await client.SendFrameAsync(0x1, Encoding.UTF8.GetBytes("{\"action\":"), fin: false);

        Assert.Equal(1008, await client.ReceiveCloseAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task FrameSentInPart_IsClosedWith1008_AfterTheAssemblyTime()
    {
        await using var server = await GatewayServer.StartAsync(TestDefinitions.WithLimits(l => l with { MessageAssemblySeconds = 1 }));
        await using var client = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/dev");

        // The header promises 1,000 bytes; 10 come.
        await client.SendFrameAsync(0x1, Encoding.UTF8.GetBytes("0123456789"), claimedLength: 1000);

        Assert.Equal(1008, await client.ReceiveCloseAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task MessagesThatArriveInTime_AreUntouched()
    {
        await using var server = await GatewayServer.StartAsync(TestDefinitions.WithLimits(l => l with { MessageAssemblySeconds = 1 }));
        await using var sender = await server.ConnectAsync();
        await using var receiver = await server.ConnectAsync();

        for (var i = 0; i < 3; i++)
        {
            await sender.SendTextAsync(SeedMessages.OnMessage($"m{i}"));
            Assert.Equal($"m{i}", await receiver.ReceiveTextAsync());
            await Task.Delay(TimeSpan.FromMilliseconds(700));
        }

        await sender.SendTextAsync(SeedMessages.OnMessage("still open"));
        Assert.Equal("still open", await receiver.ReceiveTextAsync());
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
