using Switchboard.Definition;

namespace Switchboard.Tests.Definition;

// Each case adds or changes one integration of the seed definition and expects exactly these errors.
public sealed class GroupDefinitionTests
{
    private const string F = "switchboard.json: ";
    private const string Ws = "$.webSocketApis[0]";
    private const string Join = Ws + ".routes.join";
    private const string JoinIntegration = Join + ".integration";
    private const string Connect = Ws + ".routes['$connect'].integration";
    private const string Disconnect = Ws + ".routes['$disconnect'].integration";
    private const string OnMessage = Ws + ".routes.onMessage.integration";
    private const string Get = "$.restApis[0].resources['/receiver'].methods.GET.integration";
    private const string NameRule = "expected 1 to 128 characters of letters, digits, '_', '.', ':' and '-', or a path like $request.body.room";
    private const string RestSettings = "a REST method's broadcast takes requestParameters, message, messageFormat, webSocketApi, stageParameter";

    private static IReadOnlyList<string> Errors(params (string Path, string Value)[] edits)
    {
        var json = JsonEdit.Apply(SeedDefinition.ToJson(SeedDefinition.Create()), edits);
        return [.. DefinitionLoader.LoadFromJson(json, "switchboard.json").Errors.Select(e => e.ToString())];
    }

    [Theory]
    [InlineData("""{ "type": "group.join" }""", "group", "a group is required: a literal name or a path like $request.body.room")]
    [InlineData("""{ "type": "group.leave", "group": "" }""", "group", "a group is required: a literal name or a path like $request.body.room")]
    [InlineData("""{ "type": "group.join", "group": "room 1" }""", "group", "invalid group name 'room 1'; " + NameRule)]
    [InlineData("""{ "type": "group.join", "group": "a/b" }""", "group", "invalid group name 'a/b'; " + NameRule)]
    [InlineData("""{ "type": "group.join", "group": "$request.header.room" }""", "group",
        "'$request.header.room' is not a message path; expected $request.body.NAME or a literal group name")]
    [InlineData("""{ "type": "group.join", "group": "$request.body" }""", "group",
        "'$request.body' is not a message path; expected $request.body.NAME or a literal group name")]
    [InlineData("""{ "type": "group.join", "group": "$request.body." }""", "group",
        "'$request.body.' has an empty path segment; expected $request.body.NAME (nested: $request.body.A.B)")]
    [InlineData("""{ "type": "group.join", "group": "$request.body.a..b" }""", "group",
        "'$request.body.a..b' has an empty path segment; expected $request.body.NAME (nested: $request.body.A.B)")]
    [InlineData("""{ "type": "group.join", "group": "$lobby" }""", "group", "'$lobby' is not a message path; expected $request.body.NAME or a literal group name")]
    [InlineData("""{ "type": "group.join", "group": "lobby", "payload": "$request.body.text" }""", "payload", "'payload' does not apply to group.join; it takes group")]
    [InlineData("""{ "type": "broadcast", "payload": "$request.body.text", "group": "room 1" }""", "group", "invalid group name 'room 1'; " + NameRule)]
    [InlineData("""{ "type": "broadcast", "payload": "$request.body.text", "group": "$request.query.room" }""", "group",
        "'$request.query.room' is not a message path; expected $request.body.NAME or a literal group name")]
    public void GroupIntegrationOnAMessageRoute_ReportsExactlyThatError(string integration, string setting, string expected)
    {
        Assert.Equal([F + JoinIntegration + "." + setting + ": " + expected], Errors((Join, $$"""{ "integration": {{integration}} }""")));
    }

    [Fact]
    public void GroupNameOf129Characters_IsRefused_And128Accepted()
    {
        var longest = new string('g', 128);
        var tooLong = longest + "g";

        Assert.Empty(Errors((Join, $$"""{ "integration": { "type": "group.join", "group": "{{longest}}" } }""")));
        Assert.Equal(
            [F + JoinIntegration + ".group: invalid group name '" + tooLong + "'; " + NameRule],
            Errors((Join, $$"""{ "integration": { "type": "group.join", "group": "{{tooLong}}" } }""")));
    }

    [Theory]
    [InlineData(Connect, "group.join", F + Connect + ".type: group.join is not allowed on the $connect route; the connection can join a group from its first message")]
    [InlineData(Disconnect, "group.leave", F + Disconnect + ".type: group.leave is not allowed on the $disconnect route; a closing connection leaves every group by itself")]
    [InlineData(Get, "group.join",
        F + Get + ".type: group.join is only allowed on a WebSocket API's message routes, not on a REST method; use PUT or DELETE /{stage}/@groups/{group}/{id} there")]
    [InlineData(Get, "group.leave",
        F + Get + ".type: group.leave is only allowed on a WebSocket API's message routes, not on a REST method; use PUT or DELETE /{stage}/@groups/{group}/{id} there")]
    public void GroupTypeOnTheWrongPlacement_IsReported(string path, string type, string expected)
    {
        Assert.Equal([expected], Errors((path, $$"""{ "type": "{{type}}", "group": "$request.body.room" }""")));
    }

    [Fact]
    public void GroupOnARestBroadcast_AppliesOnlyToWebSocketRoutes()
    {
        Assert.Equal(
            [F + Get + ".group: 'group' applies only to a broadcast on a WebSocket route; " + RestSettings],
            Errors((Get + ".group", "\"lobby\"")));
    }

    [Fact]
    public void SeveralGroupProblems_AreAllReportedAtOnce()
    {
        Assert.Equal(
            [
                F + Connect + ".type: group.join is not allowed on the $connect route; the connection can join a group from its first message",
                F + OnMessage + ".group: invalid group name 'bad name'; " + NameRule,
                F + JoinIntegration + ".group: a group is required: a literal name or a path like $request.body.room",
            ],
            Errors(
                (Connect, """{ "type": "group.join", "group": "lobby" }"""),
                (OnMessage + ".group", "\"bad name\""),
                (Join, """{ "integration": { "type": "group.join" } }""")));
    }

    [Theory]
    [InlineData(Join, """{ "integration": { "type": "group.join", "group": "$request.body.room" } }""")]
    [InlineData(Join, """{ "integration": { "type": "group.join", "group": "$request.body.meta.room" } }""")]
    [InlineData(Join, """{ "integration": { "type": "group.leave", "group": "lobby" } }""")]
    [InlineData(Join, """{ "integration": { "type": "group.join", "group": "Az09_.:-" } }""")]
    [InlineData(Ws + ".routes['$default']", """{ "integration": { "type": "group.join", "group": "$request.body.room" } }""")]
    [InlineData(OnMessage + ".group", "\"$request.body.room\"")]
    [InlineData(OnMessage + ".group", "\"lobby\"")]

    // A path without its '$' is a valid literal name: every message then goes to the one group named "request.body.room".
    [InlineData(Join, """{ "integration": { "type": "group.join", "group": "request.body.room" } }""")]
    public void ValidGroupIntegration_HasNoErrors(string path, string value)
    {
        Assert.Empty(Errors((path, value)));
    }

    [Fact]
    public void GroupIntegrations_RoundTripThroughTheDefinitionFile()
    {
        var json = JsonEdit.Apply(
            SeedDefinition.ToJson(SeedDefinition.Create()),
            (Join, """{ "integration": { "type": "group.join", "group": "$request.body.room" } }"""),
            (OnMessage + ".group", "\"lobby\""));

        var result = DefinitionLoader.LoadFromJson(json, "switchboard.json");

        Assert.True(result.Succeeded);
        var api = Assert.Single(result.Definition!.WebSocketApis);
        Assert.Equal("group.join", api.Routes["join"].Integration!.Type);
        Assert.Equal("$request.body.room", api.Routes["join"].Integration!.Group);
        Assert.Equal("lobby", api.Routes["onMessage"].Integration!.Group);
    }
}
