namespace Switchboard.Groups;

/// <summary>Group membership of a single node that keeps nothing across restarts.</summary>
public sealed class InMemoryGroupStore : IGroupStore
{
    private readonly Lock _lock = new();
    private readonly List<GroupMember> _members = [];

    public ValueTask AddAsync(GroupMember member, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(member);
        lock (_lock)
        {
            if (!_members.Exists(m => SameMembership(m, member.Api, member.Stage, member.Group, member.ConnectionId)))
            {
                _members.Add(member);
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveAsync(string api, string stage, string group, string connectionId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _members.RemoveAll(m => SameMembership(m, api, stage, group, connectionId));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveConnectionAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _members.RemoveAll(m => m.ConnectionId == connectionId);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<string>> ListAsync(string api, string stage, string group, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<string> ids = [.. _members.Where(m => m.Api == api && m.Stage == stage && m.Group == group).Select(static m => m.ConnectionId)];
            return ValueTask.FromResult(ids);
        }
    }

    public ValueTask<int> RemoveStaleAsync(string nodeId, string currentRunId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_members.RemoveAll(m => m.NodeId == nodeId && m.RunId != currentRunId));
        }
    }

    private static bool SameMembership(GroupMember m, string api, string stage, string group, string connectionId) =>
        m.ConnectionId == connectionId && m.Group == group && m.Stage == stage && m.Api == api;
}
