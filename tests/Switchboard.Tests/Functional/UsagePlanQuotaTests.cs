using Switchboard.Definition;
using Switchboard.RateLimiting;
using Switchboard.Tests.Infrastructure;
using static Switchboard.Tests.Functional.UsagePlanKit;

namespace Switchboard.Tests.Functional;

/// <summary>
/// Usage-plan quotas on the real server (README, "Usage plans"): UTC calendar periods on the server's wall clock, which
/// the tests step by hand, and counts kept in the store.
/// </summary>
public sealed class UsagePlanQuotaTests
{
    [Fact]
    public async Task QuotaOfThreeADay_RefusesTheFourthWithLimitExceeded_WithoutForwardingIt_AndTheNextDayAllowsAgain()
    {
        await using var backend = await BackendServer.StartAsync();
        var plan = new UsagePlanDefinition { Name = "three", Quota = Quota(3, "DAY") };
        await using var server = await GatewayServer.StartAsync(LimitedApi(backend, [plan]), time: new TestClock());
        var key = await server.CreateKeyAsync("metered", "three");

        for (var i = 0; i < 3; i++)
        {
            await AssertOkAsync(server, "/dev/items", key);
        }

        await AssertLimitExceededAsync(server, "/dev/items", key);
        await AssertLimitExceededAsync(server, "/test/items", key, "POST");
        Assert.Equal(3, backend.RequestsTo("/items").Count);
        Assert.Equal(2, (await server.MetricsAsync())["switchboard_rest_quota_exceeded_total"]);

        // The test clock starts at 12:00 UTC: twelve hours on is the first instant of the next day.
        server.Clock!.StepWallClock(TimeSpan.FromHours(12) - TimeSpan.FromMilliseconds(1));
        await AssertLimitExceededAsync(server, "/dev/items", key);
        server.Clock.StepWallClock(TimeSpan.FromMilliseconds(1));

        for (var i = 0; i < 3; i++)
        {
            await AssertOkAsync(server, "/dev/items", key);
        }

        await AssertLimitExceededAsync(server, "/dev/items", key);
        Assert.Equal(6, backend.RequestsTo("/items").Count);
    }

    [Fact]
    public async Task ThrottledCalls_AreNotCountedAgainstTheQuota()
    {
        await using var backend = await BackendServer.StartAsync();
        var plan = new UsagePlanDefinition { Name = "both", Throttle = Throttle(1, 1), Quota = Quota(2, "DAY") };
        await using var server = await GatewayServer.StartAsync(LimitedApi(backend, [plan]), time: new TestClock());
        var key = await server.CreateKeyAsync("both", "both");

        await AssertOkAsync(server, "/dev/items", key);
        await AssertTooManyRequestsAsync(server, "/dev/items", key);
        await AssertTooManyRequestsAsync(server, "/dev/items", key);
        server.Clock!.Advance(TimeSpan.FromSeconds(1));
        await AssertOkAsync(server, "/dev/items", key);
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        await AssertLimitExceededAsync(server, "/dev/items", key);
    }

    [Fact]
    public async Task Offset_LowersTheLimitInThePeriodTheKeyWasCreatedIn_Only()
    {
        await using var backend = await BackendServer.StartAsync();
        var plan = new UsagePlanDefinition { Name = "weekly", Quota = Quota(4, "WEEK", offset: 2) };
        await using var server = await GatewayServer.StartAsync(LimitedApi(backend, [plan]), time: new TestClock());

        // Created on the test clock's Wednesday 2026-12-02: two of four are left for this week.
        var key = await server.CreateKeyAsync("late-joiner", "weekly");
        await AssertOkAsync(server, "/dev/items", key);
        await AssertOkAsync(server, "/dev/items", key);
        await AssertLimitExceededAsync(server, "/dev/items", key);

        // Monday 2026-12-07, 00:00 UTC: a whole week's four.
        server.Clock!.StepWallClock(TimeSpan.FromDays(4) + TimeSpan.FromHours(12));
        for (var i = 0; i < 4; i++)
        {
            await AssertOkAsync(server, "/dev/items", key);
        }

        await AssertLimitExceededAsync(server, "/dev/items", key);
    }

    [Fact]
    public async Task QuotaCount_IsKeptInTheStore_SoARestartOnTheSameDataDirectoryKeepsIt()
    {
        using var dir = new TempDirectory();
        await using var backend = await BackendServer.StartAsync();
        var plan = new UsagePlanDefinition { Name = "three", Quota = Quota(3, "DAY") };
        string key;
        await using (var first = await GatewayServer.StartAsync(LimitedApi(backend, [plan]), dataDir: dir.Path, time: new TestClock()))
        {
            key = await first.CreateKeyAsync("persistent", "three");
            await AssertOkAsync(first, "/dev/items", key);
            await AssertOkAsync(first, "/dev/items", key);
        }

        await using var second = await GatewayServer.StartAsync(LimitedApi(backend, [plan]), dataDir: dir.Path, time: new TestClock());
        await AssertOkAsync(second, "/dev/items", key);
        await AssertLimitExceededAsync(second, "/dev/items", key);

        var record = Assert.Single(await second.ApiKeys.ListAsync());
        var report = await KeyUsageReport.ReadAsync(record, UsagePlanSet.From(LimitedApi(backend, [plan])), second.UsageCounter, second.Clock!.GetUtcNow());
        Assert.Equal(3, report.Used);
        Assert.Equal(0, report.Remaining);
    }
}
