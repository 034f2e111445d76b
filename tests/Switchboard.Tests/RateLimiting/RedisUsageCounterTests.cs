using Switchboard.RateLimiting;
using Switchboard.Redis;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.RateLimiting;

public sealed class RedisUsageCounterTests(RedisServer redis) : UsageCounterContractTests, IClassFixture<RedisServer>
{
    private readonly string _prefix = RedisServer.NewKeyPrefix();
    private readonly List<RedisStoreConnection> _connections = [];

    protected override async Task<IUsageCounter> CreateAsync(TimeProvider time) => new RedisUsageCounter(await ConnectAsync(), time);

    protected override async Task DisposeStoreAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task ConcurrentTakesFromTwoNodes_ShareTheLimitExactly()
    {
        IUsageCounter[] nodes = [Counter, new RedisUsageCounter(await ConnectAsync(), Clock)];

        var takes = await Task.WhenAll(Enumerable.Range(0, 300)
            .Select(i => Task.Run(() => nodes[i % 2].TryTakeAsync("shared", 100, EndOfDay).AsTask()))).WaitAsync(Timeout);

        Assert.Equal(100, takes.Count(t => t.Taken));
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), takes.Where(t => t.Taken).Select(t => t.Used).Order());
        Assert.Equal(100, await Within(nodes[1].GetAsync("shared")));
    }

    [Fact]
    public async Task ANewCounter_IsForgottenByRedisWhenItExpires_OnTheCallersClock()
    {
        await Within(Counter.TryTakeAsync("day", 5, EndOfDay));

        var connection = _connections[0];
        var timeToLive = await connection.Database.KeyTimeToLiveAsync(connection.Key("usage:day"));

        // The clock says 12 hours to the end of the day, whatever Redis's own clock says.
        Assert.NotNull(timeToLive);
        Assert.InRange(timeToLive.Value, TimeSpan.FromHours(12) - TimeSpan.FromMinutes(1), TimeSpan.FromHours(12));
    }

    [Fact]
    public async Task ACounterThatExpired_IsForgottenAtOnce_ByEveryNode()
    {
        var other = new RedisUsageCounter(await ConnectAsync(), Clock);
        await Within(Counter.TryTakeAsync("day", 1, EndOfDay));
        Assert.Equal(new UsageTake(false, 1), await Within(other.TryTakeAsync("day", 1, EndOfDay)));

        Clock.SetUtcNow(EndOfDay);

        Assert.Equal(0, await Within(other.GetAsync("day")));
        Assert.Equal(new UsageTake(true, 1), await Within(other.TryTakeAsync("day", 1, EndOfDay.AddDays(1))));
    }

    private async Task<RedisStoreConnection> ConnectAsync()
    {
        var connection = await redis.ConnectAsync(_prefix);
        _connections.Add(connection);
        return connection;
    }
}
