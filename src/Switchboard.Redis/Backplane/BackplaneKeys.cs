using StackExchange.Redis;

namespace Switchboard.Redis.Backplane;

/// <summary>
/// The backplane's channels and the connection directory's keys, under the store's prefix (which carries a hash tag,
/// so the claim script's two keys share a Redis Cluster slot). On Redis Cluster the channels are sharded (SPUBLISH):
/// a sharded channel lives on one shard, so a publish's count of receivers is every subscribed node, as on one server.
/// </summary>
internal sealed class BackplaneKeys(string prefix, bool sharded)
{
    /// <summary>Every node subscribes: stage and group sends.</summary>
    public RedisChannel All { get; } = Channel($"{prefix}backplane:all", sharded);

    /// <summary>One node's run subscribes: requests about the connections it holds, and answers to its own requests.</summary>
    public RedisChannel Node(string runId) => Channel($"{prefix}backplane:node:{runId}", sharded);

    /// <summary>String: this Redis's data generation (<see cref="ConnectionDirectory.EpochAsync"/>).</summary>
    public RedisKey Epoch { get; } = $"{prefix}backplane:epoch";

    /// <summary>String: the run that holds connection <paramref name="connectionId"/>.</summary>
    public RedisKey Connection(string connectionId) => $"{prefix}backplane:conn:{connectionId}";

    /// <summary>Hash: connection id to snapshot, for every connection run <paramref name="runId"/> holds.</summary>
    public RedisKey RunConnections(string runId) => $"{prefix}backplane:run:{runId}";

    private static RedisChannel Channel(string name, bool sharded) =>
        sharded ? RedisChannel.Sharded(name) : RedisChannel.Literal(name);
}
