using System.Net;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>Stages of one API share nothing: broadcasts of <c>dev</c> never reach <c>test</c> and the other way round.</summary>
public sealed class StageIsolationTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task DevAndTestClients_NeverSeeEachOthersBroadcasts()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var dev1 = await server.ConnectAsync("dev");
        await using var dev2 = await server.ConnectAsync("dev");
        await using var test1 = await server.ConnectAsync("test");
        await using var test2 = await server.ConnectAsync("test");

        await dev1.SendTextAsync(SeedMessages.OnMessage("for dev"));
        await test1.SendTextAsync(SeedMessages.OnMessage("for test"));

        Assert.Equal("for dev", await dev2.ReceiveTextAsync());
        Assert.Equal("for test", await test2.ReceiveTextAsync());
        await dev2.AssertNothingReceivedAsync(Quiet);
        await test2.AssertNothingReceivedAsync(Quiet);
        await dev1.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(100));
        await test1.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task RestBroadcastWithStageTest_ReachesOnlyTestClients()
    {
        await using var server = await GatewayServer.StartAsync();
        var key = await server.CreateKeyAsync("stage-isolation");
        await using var dev = await server.ConnectAsync("dev");
        await using var test1 = await server.ConnectAsync("test");
        await using var test2 = await server.ConnectAsync("test");

        using var response = await server.SendAsync(HttpMethod.Get, "/dev/receiver?progId=5&stage=test", key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"statusCode\":200,\"sent\":2}", await response.Content.ReadAsStringAsync());
        Assert.Equal("5", await test1.ReceiveTextAsync());
        Assert.Equal("5", await test2.ReceiveTextAsync());
        await dev.AssertNothingReceivedAsync(Quiet);
    }

    [Fact]
    public async Task RestBroadcastOnTheTestStage_DefaultsToTestClients()
    {
        await using var server = await GatewayServer.StartAsync();
        var key = await server.CreateKeyAsync("stage-default");
        await using var dev = await server.ConnectAsync("dev");
        await using var test = await server.ConnectAsync("test");

        using var response = await server.SendAsync(HttpMethod.Get, "/test/receiver?progId=6", key);

        Assert.Equal("{\"statusCode\":200,\"sent\":1}", await response.Content.ReadAsStringAsync());
        Assert.Equal("6", await test.ReceiveTextAsync());
        await dev.AssertNothingReceivedAsync(Quiet);
    }
}
