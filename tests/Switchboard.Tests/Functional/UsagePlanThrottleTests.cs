using Microsoft.Extensions.Logging;
using Switchboard.Definition;
using Switchboard.Tests.Infrastructure;
using static Switchboard.Tests.Functional.UsagePlanKit;

namespace Switchboard.Tests.Functional;

/// <summary>
/// Usage-plan and stage throttles on the real server (README, "Usage plans"): token buckets on the server's clock, which
/// the tests move by hand, so a refill is a clock step, never a wait.
/// </summary>
public sealed class UsagePlanThrottleTests
{
    [Fact]
    public async Task KeyAtFivePerSecondBurstFive_GetsTooManyRequestsOnTheSixthImmediateCall_AndSucceedsOneSecondLater()
    {
        await using var backend = await BackendServer.StartAsync();
        var plan = new UsagePlanDefinition { Name = "five", Throttle = Throttle(5, 5) };
        await using var server = await GatewayServer.StartAsync(LimitedApi(backend, [plan]), time: new TestClock());
        var key = await server.CreateKeyAsync("five-a-second", "five");

        for (var i = 0; i < 5; i++)
        {
            await AssertOkAsync(server, "/dev/items", key);
        }

        await AssertTooManyRequestsAsync(server, "/dev/items", key);
        Assert.Equal(5, backend.RequestsTo("/items").Count);

        server.Clock!.Advance(TimeSpan.FromSeconds(1));

        await AssertOkAsync(server, "/dev/items", key);
        Assert.Equal(6, backend.RequestsTo("/items").Count);
        var metrics = await server.MetricsAsync();
        Assert.Equal(1, metrics["switchboard_rest_throttled_total"]);
        Assert.Equal(0, metrics["switchboard_rest_quota_exceeded_total"]);
    }

    [Fact]
    public async Task KeysOnOnePlan_EachHaveTheirOwnBucket_AndAKeyWithoutAPlanIsNotThrottled()
    {
        await using var backend = await BackendServer.StartAsync();
        var plan = new UsagePlanDefinition { Name = "one", Throttle = Throttle(1, 1) };
        await using var server = await GatewayServer.StartAsync(LimitedApi(backend, [plan]), time: new TestClock());
        var first = await server.CreateKeyAsync("first", "one");
        var second = await server.CreateKeyAsync("second", "one");
        var planless = await server.CreateKeyAsync("planless");

        await AssertOkAsync(server, "/dev/items", first);
        await AssertTooManyRequestsAsync(server, "/dev/items", first);
        await AssertOkAsync(server, "/dev/items", second);
        for (var i = 0; i < 10; i++)
        {
            await AssertOkAsync(server, "/dev/items", planless);
        }
    }

    [Fact]
    public async Task PlanThrottle_IsSharedByEveryStage_WhileAMethodThrottleHasABucketPerStage_AndOverridesThePlanOnItsMethodOnly()
    {
        await using var backend = await BackendServer.StartAsync();
        var plan = new UsagePlanDefinition
        {
            Name = "posts-limited",
            Throttle = Throttle(1, 3),
            MethodThrottles = new Dictionary<string, ThrottleDefinition> { ["/items/POST"] = Throttle(1, 1) },
        };
        await using var server = await GatewayServer.StartAsync(LimitedApi(backend, [plan]), time: new TestClock());
        var key = await server.CreateKeyAsync("poster", "posts-limited");

        await AssertOkAsync(server, "/dev/items", key, "POST");
        await AssertTooManyRequestsAsync(server, "/dev/items", key, "POST");
        await AssertOkAsync(server, "/test/items", key, "POST");
        await AssertTooManyRequestsAsync(server, "/test/items", key, "POST");

        // The POSTs took nothing from the plan's bucket of 3, which both stages share.
        await AssertOkAsync(server, "/dev/items", key);
        await AssertOkAsync(server, "/test/items", key);
        await AssertOkAsync(server, "/dev/items", key);
        await AssertTooManyRequestsAsync(server, "/test/items", key);
    }

    [Fact]
    public async Task StageThrottle_LimitsEveryCallerOfThatStage_WithOrWithoutAKey_AndNoOtherStage()
    {
        await using var backend = await BackendServer.StartAsync();
        var open = new UsagePlanDefinition { Name = "open" };
        await using var server = await GatewayServer.StartAsync(LimitedApi(backend, [open], devThrottle: Throttle(2, 2)), time: new TestClock());
        var key = await server.CreateKeyAsync("unlimited", "open");

        await AssertOkAsync(server, "/dev/open");
        await AssertOkAsync(server, "/dev/items", key);
        await AssertTooManyRequestsAsync(server, "/dev/open");
        await AssertTooManyRequestsAsync(server, "/dev/items", key);
        for (var i = 0; i < 5; i++)
        {
            await AssertOkAsync(server, "/test/open");
        }

        server.Clock!.Advance(TimeSpan.FromSeconds(1));

        await AssertOkAsync(server, "/dev/items", key);
        await AssertOkAsync(server, "/dev/open");
        await AssertTooManyRequestsAsync(server, "/dev/open");
    }

    [Fact]
    public async Task AKeyOverItsOwnThrottle_GivesItsStageTokenBack_SoOtherCallersStillGetTheStage()
    {
        await using var backend = await BackendServer.StartAsync();
        var tight = new UsagePlanDefinition { Name = "tight", Throttle = Throttle(1, 1) };
        await using var server = await GatewayServer.StartAsync(LimitedApi(backend, [tight], devThrottle: Throttle(1, 3)), time: new TestClock());
        var noisy = await server.CreateKeyAsync("noisy", "tight");

        await AssertOkAsync(server, "/dev/items", noisy);
        for (var i = 0; i < 5; i++)
        {
            await AssertTooManyRequestsAsync(server, "/dev/items", noisy);
        }

        // Had the refused calls kept their stage tokens, the stage's 3 would be gone.
        await AssertOkAsync(server, "/dev/open");
        await AssertOkAsync(server, "/dev/open");
        await AssertTooManyRequestsAsync(server, "/dev/open");
    }

    [Fact]
    public async Task TheKeysRowNamesItsPlan_SoAKeyCreatedOrRemadeWhileServingIsHeldToItsPlanAtOnce()
    {
        await using var backend = await BackendServer.StartAsync();
        var tight = new UsagePlanDefinition { Name = "tight", Throttle = Throttle(1, 1) };
        var open = new UsagePlanDefinition { Name = "open" };
        await using var server = await GatewayServer.StartAsync(LimitedApi(backend, [tight, open]), time: new TestClock());
        var value = Switchboard.Auth.ApiKeyHash.Generate();

        await server.ApiKeys.CreateAsync("moving", value, "tight");
        await AssertOkAsync(server, "/dev/items", value);
        await AssertTooManyRequestsAsync(server, "/dev/items", value);

        Assert.True(await server.ApiKeys.RevokeAsync("moving"));
        await server.ApiKeys.CreateAsync("moving", value, "open");
        for (var i = 0; i < 5; i++)
        {
            await AssertOkAsync(server, "/dev/items", value);
        }
    }

    [Fact]
    public async Task AKeyOnAPlanTheDefinitionLacks_GetsForbidden_AndIsLoggedOnce()
    {
        await using var backend = await BackendServer.StartAsync();
        var logs = new CapturedLogs();
        await using var server = await GatewayServer.StartAsync(LimitedApi(backend, [new UsagePlanDefinition { Name = "real" }]), logs: logs);
        var key = await server.CreateKeyAsync("lost", "ghost");

        await AssertForbiddenAsync(server, "/dev/items", key);
        await AssertForbiddenAsync(server, "/dev/items", key, "POST");

        Assert.Empty(backend.RequestsTo("/items"));
        var warning = Assert.Single(logs.Records, r => r.EventId == 313);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("lost", warning.Message, StringComparison.Ordinal);
        Assert.Contains("ghost", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, string.Concat(logs.Records.Select(r => r.Message)), StringComparison.Ordinal);
    }
}
