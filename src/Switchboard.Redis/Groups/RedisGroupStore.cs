using StackExchange.Redis;
using Switchboard.Groups;

namespace Switchboard.Redis;

/// <summary>
/// Group membership in Redis, shared by every node on it (layout in <see cref="GroupScripts"/>). A group's members
/// are a sorted set scored by a counter every join takes a number from (<c>group-order</c>), so they list in joining
/// order whichever node added them.
/// </summary>
public sealed class RedisGroupStore : IGroupStore
{
    private readonly RedisStoreConnection _redis;
    private readonly IDatabase _database;
    private readonly RedisKey _memberRuns;
    private readonly RedisKey _order;

    /// <param name="redis">The process's Redis connection; the store does not dispose it.</param>
    public RedisGroupStore(RedisStoreConnection redis)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis;
        _database = redis.Database;
        _memberRuns = redis.Key("member-runs");
        _order = redis.Key("group-order");
    }

    public async ValueTask AddAsync(GroupMember member, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(member);
        cancellationToken.ThrowIfCancellationRequested();
        var groupId = GroupId(member.Api, member.Stage, member.Group);
        await _database.ScriptEvaluateAsync(
            GroupScripts.Add,
            [_redis.Key("group:" + groupId), MemberKey(member.ConnectionId), RunMembersKey(member.RunId), _memberRuns, _order],
            [groupId, member.ConnectionId, member.RunId]).ConfigureAwait(false);
    }

    public async ValueTask RemoveAsync(string api, string stage, string group, string connectionId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await _database.ScriptEvaluateAsync(
            GroupScripts.Remove, [MemberKey(connectionId)], [_redis.KeyPrefix, GroupId(api, stage, group), connectionId]).ConfigureAwait(false);
    }

    public async ValueTask RemoveConnectionAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await _database.ScriptEvaluateAsync(GroupScripts.RemoveConnection, [MemberKey(connectionId)], [_redis.KeyPrefix, connectionId]).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<string>> ListAsync(string api, string stage, string group, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var members = await _database.SortedSetRangeByRankAsync(_redis.Key("group:" + GroupId(api, stage, group))).ConfigureAwait(false);
        return [.. members.Select(static m => m.ToString())];
    }

    public async ValueTask<IReadOnlyList<string>> ListRunsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var runs = await _database.SetMembersAsync(_memberRuns).ConfigureAwait(false);
        return [.. runs.Select(static r => r.ToString())];
    }

    public async ValueTask<int> RemoveRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        cancellationToken.ThrowIfCancellationRequested();
        return (int)await _database.ScriptEvaluateAsync(GroupScripts.RemoveRun, [RunMembersKey(runId), _memberRuns], [_redis.KeyPrefix, runId]).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>API:STAGE:GROUP</c>, each part with '%' and ':' escaped (<c>%25</c>, <c>%3A</c>) so no two groups share an id
    /// however their names are spelled (group names may hold ':'); the usual names read as they are.
    /// </summary>
    internal static string GroupId(string api, string stage, string group) => $"{Escape(api)}:{Escape(stage)}:{Escape(group)}";

    private static string Escape(string part) =>
        part.AsSpan().IndexOfAny('%', ':') < 0 ? part : part.Replace("%", "%25", StringComparison.Ordinal).Replace(":", "%3A", StringComparison.Ordinal);

    private RedisKey MemberKey(string connectionId) => _redis.Key("member:" + connectionId);

    private RedisKey RunMembersKey(string runId) => _redis.Key("run-members:" + runId);
}
