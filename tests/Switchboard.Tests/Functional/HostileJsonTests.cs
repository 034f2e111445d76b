using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>JSON that is valid but awkward for a reader: the sender gets an answer, and its socket stays open.</summary>
public sealed class HostileJsonTests
{
    [Theory]
    [InlineData("{\"\\udc00\":1}")]
    [InlineData("{\"\\ud800x\":1,\"action\":\"onMessage\"}")]
    [InlineData("{\"action\":\"\\ud800\"}")]
    public async Task LoneSurrogateEscapes_GetTheForbiddenFrame_AndTheSocketStaysOpen(string message)
    {
        await using var server = await GatewayServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await using var other = await server.ConnectAsync();

        await client.SendTextAsync(message);
        SeedMessages.AssertErrorFrame(await client.ReceiveTextAsync(), "Forbidden");

        await client.SendTextAsync(SeedMessages.OnMessage("after"));
        Assert.Equal("after", await other.ReceiveTextAsync());
    }
}
