using Switchboard.Redis;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Registry;

/// <summary><c>/readyz</c>'s view of the Redis store: an outage reads as not ready at once, and the connection comes back by itself.</summary>
public sealed class RedisReadinessTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Ping_IsFalseWhileRedisIsDown_AndTrueAgainAfterItRestarts_OnTheSameMultiplexer()
    {
        await using var connection = await redis.ConnectAsync();
        var registry = new RedisConnectionRegistry(connection);
        Assert.True(await registry.PingAsync().AsTask().WaitAsync(Timeout));

        await redis.StopAsync();
        try
        {
            await Eventually.TrueAsync(async () => !await registry.PingAsync(), Timeout, "ping to say not ready");

            // Never an exception, and never longer than its own timeout (with room for a loaded machine).
            var started = System.Diagnostics.Stopwatch.StartNew();
            Assert.False(await registry.PingAsync().AsTask().WaitAsync(Timeout));
            Assert.InRange(started.Elapsed, TimeSpan.Zero, RedisConnectionRegistry.PingTimeout + TimeSpan.FromSeconds(3));
        }
        finally
        {
            await redis.StartAsync();
        }

        await Eventually.TrueAsync(async () => await registry.PingAsync(), Timeout, "ping to say ready after Redis restarted");
        await registry.HeartbeatAsync("run-1", "node-a", DateTimeOffset.UtcNow).AsTask().WaitAsync(Timeout);
    }

    [Fact]
    public async Task AConnectionMadeWhileRedisIsDown_IsMade_AndWorksOnceRedisIsUp()
    {
        await redis.StopAsync();
        RedisStoreConnection connection;
        try
        {
            connection = await RedisStoreConnection.ConnectAsync(redis.Configuration, RedisServer.NewKeyPrefix()).WaitAsync(Timeout);
            Assert.False(await new RedisConnectionRegistry(connection).PingAsync().AsTask().WaitAsync(Timeout));
        }
        finally
        {
            await redis.StartAsync();
        }

        await using (connection)
        {
            var registry = new RedisConnectionRegistry(connection);
            await Eventually.TrueAsync(async () => await registry.PingAsync(), Timeout, "the connection to come up by itself");
        }
    }
}
