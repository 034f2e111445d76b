using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using Switchboard.Delivery;

namespace Switchboard.Redis.Backplane;

/// <summary>Plugs the Redis backplane into a gateway host in place of one node's delivery.</summary>
public static class BackplaneRegistration
{
    /// <summary>
    /// Registers <see cref="RedisMessageDelivery"/> as the host's <see cref="IMessageDelivery"/>, over the process's one
    /// <see cref="RedisStoreConnection"/> (a service the Redis store registers), and the service that subscribes at start.
    /// </summary>
    public static void AddRedisBackplane(this IServiceCollection services)
    {
        services.AddSingleton<PendingCalls>();
        services.AddSingleton<LiveRuns>();
        services.AddSingleton(provider => new BackplaneMetrics(
            provider.GetRequiredService<Operations.GatewayMetrics>(), () => provider.GetRequiredService<PendingCalls>().Count));
        services.AddSingleton(provider =>
        {
            var redis = provider.GetRequiredService<RedisStoreConnection>();
            return new BackplaneKeys(redis.KeyPrefix, IsCluster(redis.Multiplexer));
        });
        services.AddSingleton(provider => ActivatorUtilities.CreateInstance<RedisMessageDelivery>(
            provider, provider.GetRequiredService<RedisStoreConnection>().Multiplexer));
        services.AddSingleton<IMessageDelivery>(provider => provider.GetRequiredService<RedisMessageDelivery>());
        services.AddSingleton(provider => ActivatorUtilities.CreateInstance<BackplaneService>(
            provider, provider.GetRequiredService<RedisStoreConnection>().Multiplexer));
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<BackplaneService>());
    }

    /// <summary>Redis Cluster needs sharded channels for exact receiver counts; a server that cannot be asked yet is taken for a single one.</summary>
    private static bool IsCluster(IConnectionMultiplexer redis)
    {
        try
        {
            return redis.GetServers().Any(static server => server.ServerType == ServerType.Cluster);
        }
        catch (RedisException)
        {
            return false;
        }
    }
}
