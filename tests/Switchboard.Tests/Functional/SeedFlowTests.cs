using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>The seed's "Development testing" walk-through with three clients on the built-in setup.</summary>
public sealed class SeedFlowTests
{
    private const string SeedMessage = "{\"action\" : \"onMessage\" , \"message\" :\"Hello from command prompt 2\", \"key\" : \"1234\" }";

    [Fact]
    public async Task RightKey_ReachesEveryOtherClientOnce_AndNotTheSender()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();
        await using var c = await server.ConnectAsync();

        await a.SendTextAsync(SeedMessage);

        Assert.Equal("Hello from command prompt 2", await b.ReceiveTextAsync());
        Assert.Equal("Hello from command prompt 2", await c.ReceiveTextAsync());
        await a.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));
        await b.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(100));
        await c.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task WrongKey_SendsForbiddenToSenderOnly()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync("{\"action\":\"onMessage\",\"message\":\"x\",\"key\":\"4321\"}");

        var frame = await a.ReceiveTextAsync();
        Assert.Matches("^\\{\"message\": \"Forbidden\", \"connectionId\":\"[A-Za-z0-9_-]{16}\", \"requestId\":\"[A-Za-z0-9_-]{16}\"\\}$", frame);
        await b.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task UnknownAction_SendsForbiddenAndKeepsTheSocketOpen()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync("{\"action\":\"nope\"}");
        Assert.StartsWith("{\"message\": \"Forbidden\"", await a.ReceiveTextAsync());

        await a.SendTextAsync(SeedMessage);
        Assert.Equal("Hello from command prompt 2", await b.ReceiveTextAsync());
    }
}
