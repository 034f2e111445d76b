using Switchboard.Definition;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>Route selection on definition variants: nested selection paths and a <c>$default</c> route (the README).</summary>
public sealed class RouteSelectionTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private static GatewayDefinition WithDefaultBroadcastToAll() => TestDefinitions.WithRoute("$default", new IntegrationDefinition
    {
        Type = "broadcast",
        Payload = "$request.body.message",
        Recipients = "all",
    });

    [Fact]
    public async Task NestedSelectionExpression_RoutesOnTheNestedValue()
    {
        var definition = TestDefinitions.WithWebSocketApi(api => api with { RouteSelectionExpression = "$request.body.service.do" });
        await using var server = await GatewayServer.StartAsync(definition);
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync("{\"service\":{\"name\":\"x\",\"do\":\"onMessage\"},\"message\":\"nested\",\"key\":\"1234\"}");
        Assert.Equal("nested", await b.ReceiveTextAsync());

        // The top-level action is no longer what selects the route.
        await a.SendTextAsync(SeedMessages.OnMessage("top level"));
        SeedMessages.AssertErrorFrame(await a.ReceiveTextAsync(), "Forbidden");

        // A "do" that is not under "service" does not count either.
        await a.SendTextAsync("{\"do\":\"onMessage\",\"service\":{},\"message\":\"wrong level\",\"key\":\"1234\"}");
        SeedMessages.AssertErrorFrame(await a.ReceiveTextAsync(), "Forbidden");
        await b.AssertNothingReceivedAsync(Quiet);
    }

    [Fact]
    public async Task DefaultRoute_TakesUnknownActions()
    {
        await using var server = await GatewayServer.StartAsync(WithDefaultBroadcastToAll());
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync("{\"action\":\"nope\",\"message\":\"via default\"}");

        // Recipients "all": the sender gets it too.
        Assert.Equal("via default", await a.ReceiveTextAsync());
        Assert.Equal("via default", await b.ReceiveTextAsync());
    }

    [Fact]
    public async Task DefaultRoute_TakesMessagesWithoutAnAction()
    {
        await using var server = await GatewayServer.StartAsync(WithDefaultBroadcastToAll());
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync("{\"message\":\"no action\"}");

        Assert.Equal("no action", await a.ReceiveTextAsync());
        Assert.Equal("no action", await b.ReceiveTextAsync());
    }

    [Fact]
    public async Task DefaultRoute_TakesNonJson_InsteadOfTheForbiddenFrame()
    {
        await using var server = await GatewayServer.StartAsync(WithDefaultBroadcastToAll());
        var (a, id) = await server.ConnectWithIdAsync();
        await using var _ = a;
        await using var b = await server.ConnectAsync();

        await a.SendTextAsync("hi");

        // $default's broadcast ran and found no $request.body.message in it: Bad request body, not Forbidden.
        var frame = SeedMessages.AssertErrorFrame(await a.ReceiveTextAsync(), "Bad request body");
        Assert.Equal(id, frame.ConnectionId);
        await b.AssertNothingReceivedAsync(Quiet);
    }

    [Fact]
    public async Task DefaultRoute_DoesNotTakeMessagesOfAMatchingRoute()
    {
        await using var server = await GatewayServer.StartAsync(WithDefaultBroadcastToAll());
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        // onMessage matches, so its key check applies even though $default would have broadcast this.
        await a.SendTextAsync(SeedMessages.OnMessage("wrong key", "4321"));

        SeedMessages.AssertErrorFrame(await a.ReceiveTextAsync(), "Forbidden");
        await b.AssertNothingReceivedAsync(Quiet);
    }
}
