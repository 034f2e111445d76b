using Switchboard.Groups;
using Switchboard.Redis;
using Switchboard.Registry;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Registry;

public sealed class RedisDeadRunCleanupTests(RedisServer redis) : DeadRunCleanupContractTests, IClassFixture<RedisServer>
{
    // The contract's "now": the registry's clock starts there and runs in real time, as its heartbeat keys' lives do.
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private RedisStoreConnection? _connection;

    protected override async Task<(IConnectionRegistry Registry, IGroupStore Groups)> CreateAsync()
    {
        _connection = await redis.ConnectAsync();
        return (new RedisConnectionRegistry(_connection, new RunningClock(Now)), new RedisGroupStore(_connection));
    }

    protected override async Task DisposeStoresAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }
}
