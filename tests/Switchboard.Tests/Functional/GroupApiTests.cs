using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>The <c>@groups</c> API and <c>POST /{stage}/@connections</c>, over real HTTP and real sockets.</summary>
public sealed class GroupApiTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Put_ThenGet_ListsTheMembersInTheOrderTheyJoined(bool sqlite)
    {
        await using var server = await GatewayServer.StartAsync(sqlite: sqlite);
        var group = GroupHttp.UniqueGroup();
        var (a, idA) = await server.ConnectWithIdAsync();
        await using var _ = a;
        var (b, idB) = await server.ConnectWithIdAsync();
        await using var __ = b;

        await GroupHttp.JoinAsync(server, group, idB);
        await GroupHttp.JoinAsync(server, group, idA);

        using var response = await server.SendAsync(HttpMethod.Get, $"/dev/@groups/{group}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"{{\"connections\":[\"{idB}\",\"{idA}\"]}}", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Get_OfAGroupNobodyIsIn_ReturnsAnEmptyList(bool sqlite)
    {
        await using var server = await GatewayServer.StartAsync(sqlite: sqlite);

        using var response = await server.SendAsync(HttpMethod.Get, $"/dev/@groups/{GroupHttp.UniqueGroup()}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"connections\":[]}", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PostToGroup_ReachesEveryMemberOnce_AndNobodyElse(bool sqlite)
    {
        await using var server = await GatewayServer.StartAsync(sqlite: sqlite);
        var group = GroupHttp.UniqueGroup();
        var members = new List<TestWebSocket>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var (client, id) = await server.ConnectWithIdAsync();
                members.Add(client);
                await GroupHttp.JoinAsync(server, group, id);
            }

            await using var outsider = await server.ConnectAsync();
            var (otherStage, otherStageId) = await server.ConnectWithIdAsync("test");
            await using var _ = otherStage;
            await GroupHttp.JoinAsync(server, group, otherStageId, stage: "test");

            Assert.Equal(3, await GroupHttp.SendAsync(server, $"/dev/@groups/{group}", "to the group \u00e9"));

            foreach (var member in members)
            {
                var message = await member.ReceiveAsync();
                Assert.Equal(WebSocketMessageType.Text, message.Type);
                Assert.Equal("to the group \u00e9", message.Text);
            }

            await Task.WhenAll(members.Select(m => m.AssertNothingReceivedAsync(Quiet)));
            await outsider.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(100));
            await otherStage.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(100));
        }
        finally
        {
            foreach (var member in members)
            {
                await member.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task PostToGroup_OfBytesThatAreNotUtf8_ArrivesAsOneBinaryFrame()
    {
        await using var server = await GatewayServer.StartAsync();
        var group = GroupHttp.UniqueGroup();
        var (member, id) = await server.ConnectWithIdAsync();
        await using var _ = member;
        await GroupHttp.JoinAsync(server, group, id);
        byte[] data = [0x00, 0xFF, 0xFE, 0xC3, 0x28, 0x80, 0x41];

        using var response = await server.SendAsync(HttpMethod.Post, $"/dev/@groups/{group}", body: data);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"sent\":1}", await response.Content.ReadAsStringAsync());
        var message = await member.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Binary, message.Type);
        Assert.Equal(data, message.Bytes);
    }

    [Fact]
    public async Task PostToGroup_NobodyIsIn_SendsToNobody()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var outsider = await server.ConnectAsync();

        Assert.Equal(0, await GroupHttp.SendAsync(server, $"/dev/@groups/{GroupHttp.UniqueGroup()}", "nobody"));
        await outsider.AssertNothingReceivedAsync(Quiet);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Delete_TakesTheConnectionOutOfTheGroup_AndItNoLongerReceivesGroupSends(bool sqlite)
    {
        await using var server = await GatewayServer.StartAsync(sqlite: sqlite);
        var group = GroupHttp.UniqueGroup();
        var (stays, idStays) = await server.ConnectWithIdAsync();
        await using var _ = stays;
        var (leaves, idLeaves) = await server.ConnectWithIdAsync();
        await using var __ = leaves;
        await GroupHttp.JoinAsync(server, group, idStays);
        await GroupHttp.JoinAsync(server, group, idLeaves);

        using (var response = await server.SendAsync(HttpMethod.Delete, $"/dev/@groups/{group}/{idLeaves}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        Assert.Equal([idStays], await GroupHttp.ListAsync(server, group));
        Assert.Equal(1, await GroupHttp.SendAsync(server, $"/dev/@groups/{group}", "after leave"));
        Assert.Equal("after leave", await stays.ReceiveTextAsync());
        await leaves.AssertNothingReceivedAsync(Quiet);
    }

    [Fact]
    public async Task Delete_OfANonMemberOrUnknownConnection_IsHarmless()
    {
        await using var server = await GatewayServer.StartAsync();
        var group = GroupHttp.UniqueGroup();
        var (client, id) = await server.ConnectWithIdAsync();
        await using var _ = client;

        foreach (var target in new[] { id, "AAAAAAAAAAAAAAAA", "not-an-id" })
        {
            using var response = await server.SendAsync(HttpMethod.Delete, $"/dev/@groups/{group}/{target}");
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PutTwice_IsOneMembership_AndOneSendArrivesOnce(bool sqlite)
    {
        await using var server = await GatewayServer.StartAsync(sqlite: sqlite);
        var group = GroupHttp.UniqueGroup();
        var (member, id) = await server.ConnectWithIdAsync();
        await using var _ = member;

        await GroupHttp.JoinAsync(server, group, id);
        await GroupHttp.JoinAsync(server, group, id);

        Assert.Equal([id], await GroupHttp.ListAsync(server, group));
        Assert.Equal(1, await GroupHttp.SendAsync(server, $"/dev/@groups/{group}", "once"));
        Assert.Equal("once", await member.ReceiveTextAsync());
        await member.AssertNothingReceivedAsync(Quiet);
    }

    [Fact]
    public async Task Put_OfAnUnknownMalformedOtherStageOrClosedConnection_Is410Gone()
    {
        await using var server = await GatewayServer.StartAsync();
        var group = GroupHttp.UniqueGroup();
        var (otherStage, otherStageId) = await server.ConnectWithIdAsync("test");
        await using var _ = otherStage;
        var (closed, closedId) = await server.ConnectWithIdAsync();
        await closed.DisposeAsync();
        await Eventually.TrueAsync(async () => !await server.IsRegisteredAsync(closedId), what: "the closed connection unregistered");

        foreach (var target in new[] { "AAAAAAAAAAAAAAAA", "short", otherStageId, closedId })
        {
            using var response = await server.SendAsync(HttpMethod.Put, $"/dev/@groups/{group}/{target}");
            Assert.True(response.StatusCode == HttpStatusCode.Gone, $"PUT {target}: expected 410, got {(int)response.StatusCode}");
            Assert.Equal("GoneException", Assert.Single(response.Headers.GetValues("x-amzn-ErrorType")));
        }

        Assert.Empty(await GroupHttp.ListAsync(server, group));
    }

    [Theory]
    [InlineData("room%201", "room 1")]
    [InlineData("caf%C3%A9", "caf\u00e9")]
    [InlineData("a%2Fb", "a%2Fb")]
    [InlineData("a%3Fb", "a?b")]
    [InlineData("", "")]
    public async Task InvalidGroupName_Is400_WithAJsonMessageNamingIt(string encoded, string decoded)
    {
        await using var server = await GatewayServer.StartAsync();
        var (client, id) = await server.ConnectWithIdAsync();
        await using var _ = client;

        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, $"/dev/@groups/{encoded}"),
            (HttpMethod.Post, $"/dev/@groups/{encoded}"),
            (HttpMethod.Put, $"/dev/@groups/{encoded}/{id}"),
            (HttpMethod.Delete, $"/dev/@groups/{encoded}/{id}"),
        })
        {
            using var response = await server.SendAsync(method, path, body: method == HttpMethod.Post ? "x"u8.ToArray() : null);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path}: expected 400, got {(int)response.StatusCode}");
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(
                $"invalid group name '{decoded}'; expected 1 to 128 characters of letters, digits, '_', '.', ':' and '-'",
                json.RootElement.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task GroupNameOf129Characters_Is400_And128Is200()
    {
        await using var server = await GatewayServer.StartAsync();

        using (var tooLong = await server.SendAsync(HttpMethod.Get, $"/dev/@groups/{new string('g', 129)}"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        }

        using var longest = await server.SendAsync(HttpMethod.Get, $"/dev/@groups/{new string('g', 128)}");
        Assert.Equal(HttpStatusCode.OK, longest.StatusCode);
    }

    [Theory]
    [InlineData("/dev/@groups/{group}")]
    [InlineData("/dev/@connections")]
    public async Task Body_OverTheMessageLimit_Is413_AndTheLimitItselfIsSent(string pathTemplate)
    {
        await using var server = await GatewayServer.StartAsync(TestDefinitions.WithLimits(l => l with { MaxMessageBytes = 1024 }));
        var group = GroupHttp.UniqueGroup();
        var path = pathTemplate.Replace("{group}", group, StringComparison.Ordinal);
        var (member, id) = await server.ConnectWithIdAsync();
        await using var _ = member;
        await GroupHttp.JoinAsync(server, group, id);

        using (var response = await server.SendAsync(HttpMethod.Post, path, body: new byte[1025]))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Contains("limits.maxMessageBytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(1, await GroupHttp.SendAsync(server, path, new string('x', 1024)));
        Assert.Equal(1024, (await member.ReceiveTextAsync()).Length);
        await member.AssertNothingReceivedAsync(Quiet);
    }

    [Theory]
    [InlineData("PUT", "/dev/@groups/{group}", "GET, POST")]
    [InlineData("DELETE", "/dev/@groups/{group}", "GET, POST")]
    [InlineData("PATCH", "/dev/@groups/{group}", "GET, POST")]
    [InlineData("GET", "/dev/@groups/{group}/AAAAAAAAAAAAAAAA", "PUT, DELETE")]
    [InlineData("POST", "/dev/@groups/{group}/AAAAAAAAAAAAAAAA", "PUT, DELETE")]
    [InlineData("GET", "/dev/@connections", "POST")]
    [InlineData("DELETE", "/dev/@connections", "POST")]
    public async Task WrongMethod_Is405_WithAllow(string method, string pathTemplate, string allow)
    {
        await using var server = await GatewayServer.StartAsync();
        var path = pathTemplate.Replace("{group}", GroupHttp.UniqueGroup(), StringComparison.Ordinal);

        using var response = await server.SendAsync(new HttpMethod(method), path);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith($"{method} is not supported on ", json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PercentEncodedAt_AsAwsSdksSendIt_ReachesTheGroupsApi()
    {
        await using var server = await GatewayServer.StartAsync();
        var group = GroupHttp.UniqueGroup();
        var (member, id) = await server.ConnectWithIdAsync();
        await using var _ = member;

        using (var join = await server.SendAsync(HttpMethod.Put, $"/dev/%40groups/{group}/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, join.StatusCode);
        }

        Assert.Equal(1, await GroupHttp.SendAsync(server, $"/dev/%40groups/{group}", "encoded"));
        Assert.Equal("encoded", await member.ReceiveTextAsync());
        Assert.Equal(1, await GroupHttp.SendAsync(server, "/dev/%40connections", "stage encoded"));
        Assert.Equal("stage encoded", await member.ReceiveTextAsync());
    }

    [Fact]
    public async Task GroupsOfAStageThatDoesNotExist_Are404()
    {
        await using var server = await GatewayServer.StartAsync();

        using var response = await server.SendAsync(HttpMethod.Get, $"/nostage/@groups/{GroupHttp.UniqueGroup()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
