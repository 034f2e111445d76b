using Switchboard.Definition;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>The <c>group.join</c> and <c>group.leave</c> route integrations and <c>broadcast</c> with a <c>group</c>, driven by client messages.</summary>
public sealed class GroupRouteTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private static GatewayDefinition Definition() => TestDefinitions.WithWebSocketApi(api => api with
    {
        Routes = new Dictionary<string, RouteDefinition>(api.Routes)
        {
            ["join"] = Route(new() { Type = "group.join", Group = "$request.body.room" }),
            ["leave"] = Route(new() { Type = "group.leave", Group = "$request.body.room" }),
            ["say"] = Route(new() { Type = "broadcast", Group = "$request.body.room", Payload = "$request.body.text" }),
            ["sayAll"] = Route(new() { Type = "broadcast", Group = "$request.body.room", Payload = "$request.body.text", Recipients = "all" }),
            ["joinLobby"] = Route(new() { Type = "group.join", Group = "lobby" }),
            ["leaveLobby"] = Route(new() { Type = "group.leave", Group = "lobby" }),
            ["sayLobby"] = Route(new() { Type = "broadcast", Group = "lobby", Payload = "$request.body.text" }),
        },
    });

    private static RouteDefinition Route(IntegrationDefinition integration) => new() { Integration = integration };

    private static string Message(string action, string room, string? text = null) =>
        text is null
            ? $"{{\"action\":\"{action}\",\"room\":\"{room}\"}}"
            : $"{{\"action\":\"{action}\",\"room\":\"{room}\",\"text\":\"{text}\"}}";

    private static async Task<(TestWebSocket Client, string Id)> JoinedAsync(GatewayServer server, string room)
    {
        var (client, id) = await server.ConnectWithIdAsync();
        await client.SendTextAsync(Message("join", room));
        await WaitForMemberAsync(server, room, id);
        return (client, id);
    }

    private static Task WaitForMemberAsync(GatewayServer server, string group, string id) =>
        Eventually.TrueAsync(async () => (await GroupHttp.ListAsync(server, group)).Contains(id), what: $"{id} listed in {group}");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task JoinThenSay_ReachesTheOtherMembersOnce_NotTheSenderNorOutsiders(bool sqlite)
    {
        await using var server = await GatewayServer.StartAsync(Definition(), sqlite: sqlite);
        var (room, otherRoom) = (GroupHttp.UniqueGroup(), GroupHttp.UniqueGroup());
        var (sender, _) = await JoinedAsync(server, room);
        await using var s = sender;
        var (b, _) = await JoinedAsync(server, room);
        await using var bb = b;
        var (c, _) = await JoinedAsync(server, room);
        await using var cc = c;
        var (elsewhere, _) = await JoinedAsync(server, otherRoom);
        await using var e = elsewhere;
        await using var outsider = await server.ConnectAsync();

        await sender.SendTextAsync(Message("say", room, "hello room"));

        Assert.Equal("hello room", await b.ReceiveTextAsync());
        Assert.Equal("hello room", await c.ReceiveTextAsync());
        await Task.WhenAll(b.AssertNothingReceivedAsync(Quiet), c.AssertNothingReceivedAsync(Quiet), sender.AssertNothingReceivedAsync(Quiet));
        await elsewhere.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(100));
        await outsider.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task SayWithRecipientsAll_ReachesTheSenderToo()
    {
        await using var server = await GatewayServer.StartAsync(Definition());
        var room = GroupHttp.UniqueGroup();
        var (sender, _) = await JoinedAsync(server, room);
        await using var s = sender;
        var (other, _) = await JoinedAsync(server, room);
        await using var o = other;

        await sender.SendTextAsync(Message("sayAll", room, "to all"));

        Assert.Equal("to all", await sender.ReceiveTextAsync());
        Assert.Equal("to all", await other.ReceiveTextAsync());
        await Task.WhenAll(sender.AssertNothingReceivedAsync(Quiet), other.AssertNothingReceivedAsync(Quiet));
    }

    [Fact]
    public async Task SayFromANonMember_ReachesTheMembers()
    {
        await using var server = await GatewayServer.StartAsync(Definition());
        var room = GroupHttp.UniqueGroup();
        var (member, _) = await JoinedAsync(server, room);
        await using var m = member;
        await using var outsider = await server.ConnectAsync();

        await outsider.SendTextAsync(Message("say", room, "from outside"));

        Assert.Equal("from outside", await member.ReceiveTextAsync());
        await outsider.AssertNothingReceivedAsync(Quiet);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Leave_StopsGroupSendsToThatConnection(bool sqlite)
    {
        await using var server = await GatewayServer.StartAsync(Definition(), sqlite: sqlite);
        var room = GroupHttp.UniqueGroup();
        var (stays, idStays) = await JoinedAsync(server, room);
        await using var s = stays;
        var (leaves, idLeaves) = await JoinedAsync(server, room);
        await using var l = leaves;

        await leaves.SendTextAsync(Message("leave", room));
        await Eventually.TrueAsync(async () => !(await GroupHttp.ListAsync(server, room)).Contains(idLeaves), what: "the leaver gone from the listing");

        Assert.Equal([idStays], await GroupHttp.ListAsync(server, room));
        Assert.Equal(1, await GroupHttp.SendAsync(server, $"/dev/@groups/{room}", "after leave"));
        Assert.Equal("after leave", await stays.ReceiveTextAsync());
        await leaves.AssertNothingReceivedAsync(Quiet);
    }

    [Fact]
    public async Task JoinSameGroupTwice_ThenOneSend_ArrivesOnce()
    {
        await using var server = await GatewayServer.StartAsync(Definition());
        var room = GroupHttp.UniqueGroup();
        var (member, id) = await JoinedAsync(server, room);
        await using var m = member;

        await member.SendTextAsync(Message("join", room));
        await using var sender = await server.ConnectAsync();
        await sender.SendTextAsync(Message("say", room, "once"));

        Assert.Equal("once", await member.ReceiveTextAsync());
        await member.AssertNothingReceivedAsync(Quiet);
        Assert.Equal([id], await GroupHttp.ListAsync(server, room));
    }

    [Fact]
    public async Task LiteralGroup_IsJoinedAndSentToWithoutARoomInTheMessage()
    {
        await using var server = await GatewayServer.StartAsync(Definition());
        var (a, idA) = await server.ConnectWithIdAsync();
        await using var aa = a;
        var (b, idB) = await server.ConnectWithIdAsync();
        await using var bb = b;
        await using var outsider = await server.ConnectAsync();

        await a.SendTextAsync("{\"action\":\"joinLobby\"}");
        await b.SendTextAsync("{\"action\":\"joinLobby\"}");
        await Eventually.TrueAsync(async () => (await GroupHttp.ListAsync(server, "lobby")).Order().SequenceEqual(new[] { idA, idB }.Order()), what: "both in the lobby");

        await a.SendTextAsync("{\"action\":\"sayLobby\",\"text\":\"hi lobby\"}");

        Assert.Equal("hi lobby", await b.ReceiveTextAsync());
        await Task.WhenAll(a.AssertNothingReceivedAsync(Quiet), outsider.AssertNothingReceivedAsync(Quiet));

        await b.SendTextAsync("{\"action\":\"leaveLobby\"}");
        await Eventually.TrueAsync(async () => (await GroupHttp.ListAsync(server, "lobby")).SequenceEqual([idA]), what: "b gone from the lobby");
    }

    [Fact]
    public async Task RouteJoin_AndApiLeave_AgreeOnMembership()
    {
        await using var server = await GatewayServer.StartAsync(Definition());
        var room = GroupHttp.UniqueGroup();
        var (member, id) = await JoinedAsync(server, room);
        await using var m = member;

        using (var response = await server.SendAsync(HttpMethod.Delete, $"/dev/@groups/{room}/{id}"))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
        }

        Assert.Empty(await GroupHttp.ListAsync(server, room));
        Assert.Equal(0, await GroupHttp.SendAsync(server, $"/dev/@groups/{room}", "nobody"));
        await member.AssertNothingReceivedAsync(Quiet);
    }

    [Theory]
    [InlineData("{\"action\":\"join\"}")]
    [InlineData("{\"action\":\"join\",\"room\":\"room 1\"}")]
    [InlineData("{\"action\":\"join\",\"room\":\"\"}")]
    [InlineData("{\"action\":\"join\",\"room\":42}")]
    [InlineData("{\"action\":\"join\",\"room\":null}")]
    [InlineData("{\"action\":\"join\",\"room\":{\"name\":\"r\"}}")]
    [InlineData("{\"action\":\"leave\"}")]
    [InlineData("{\"action\":\"leave\",\"room\":\"a/b\"}")]
    [InlineData("{\"action\":\"say\",\"text\":\"no room\"}")]
    [InlineData("{\"action\":\"say\",\"room\":\"caf\\u00e9\",\"text\":\"bad room\"}")]
    [InlineData("{\"action\":\"say\",\"room\":\"ok-room\"}")]
    public async Task MessageNamingNoValidRoom_GetsTheBadRequestBodyFrame_AndChangesNothing(string message)
    {
        await using var server = await GatewayServer.StartAsync(Definition());
        var (client, id) = await server.ConnectWithIdAsync();
        await using var c = client;
        var (member, _) = await JoinedAsync(server, "ok-room");
        await using var m = member;

        await client.SendTextAsync(message);

        var (connectionId, _) = SeedMessages.AssertErrorFrame(await client.ReceiveTextAsync(), "Bad request body");
        Assert.Equal(id, connectionId);
        await member.AssertNothingReceivedAsync(Quiet);
        Assert.DoesNotContain(id, await GroupHttp.ListAsync(server, "ok-room"));
    }

    [Fact]
    public async Task RoomWithAnEscapedButValidName_IsJoinedByItsUnescapedName()
    {
        await using var server = await GatewayServer.StartAsync(Definition());
        var (client, id) = await server.ConnectWithIdAsync();
        await using var c = client;

        await client.SendTextAsync("{\"action\":\"join\",\"room\":\"esc\\u0061ped\"}");

        await WaitForMemberAsync(server, "escaped", id);
    }
}
