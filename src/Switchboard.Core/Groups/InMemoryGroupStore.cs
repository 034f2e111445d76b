namespace Switchboard.Groups;

/// <summary>
/// Group membership of a single node that keeps nothing across restarts. Indexed by group and by connection, so each
/// operation costs the size of one group or one connection's memberships, not the whole store; one lock, held briefly.
/// </summary>
public sealed class InMemoryGroupStore : IGroupStore
{
    private readonly Lock _lock = new();

    // Members of each group in joining order (insertion-ordered: a sequence number per membership).
    private readonly Dictionary<(string Api, string Stage, string Group), Dictionary<string, (long Order, GroupMember Member)>> _groups = [];

    // The groups of each connection, for removing a closed connection from all of them.
    private readonly Dictionary<string, HashSet<(string Api, string Stage, string Group)>> _byConnection = new(StringComparer.Ordinal);

    private long _order;

    public ValueTask AddAsync(GroupMember member, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(member);
        var key = (member.Api, member.Stage, member.Group);
        lock (_lock)
        {
            if (!_groups.TryGetValue(key, out var members))
            {
                _groups[key] = members = new Dictionary<string, (long, GroupMember)>(StringComparer.Ordinal);
            }

            if (members.TryAdd(member.ConnectionId, (_order++, member)))
            {
                if (!_byConnection.TryGetValue(member.ConnectionId, out var groups))
                {
                    _byConnection[member.ConnectionId] = groups = [];
                }

                groups.Add(key);
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveAsync(string api, string stage, string group, string connectionId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Remove((api, stage, group), connectionId);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveConnectionAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_byConnection.TryGetValue(connectionId, out var groups))
            {
                foreach (var key in groups.ToArray())
                {
                    Remove(key, connectionId);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<string>> ListAsync(string api, string stage, string group, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<string> ids = _groups.TryGetValue((api, stage, group), out var members)
                ? [.. members.OrderBy(static m => m.Value.Order).Select(static m => m.Key)]
                : [];
            return ValueTask.FromResult(ids);
        }
    }

    public ValueTask<IReadOnlyList<string>> ListRunsAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<string> runs = [.. _groups.SelectMany(static g => g.Value.Values).Select(static m => m.Member.RunId).Distinct(StringComparer.Ordinal)];
            return ValueTask.FromResult(runs);
        }
    }

    public ValueTask<int> RemoveRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var members = _groups
                .SelectMany(static g => g.Value.Values.Select(static v => v.Member))
                .Where(m => m.RunId == runId)
                .ToList();
            foreach (var member in members)
            {
                Remove((member.Api, member.Stage, member.Group), member.ConnectionId);
            }

            return ValueTask.FromResult(members.Count);
        }
    }

    private void Remove((string Api, string Stage, string Group) key, string connectionId)
    {
        if (_groups.TryGetValue(key, out var members) && members.Remove(connectionId) && members.Count == 0)
        {
            _groups.Remove(key);
        }

        if (_byConnection.TryGetValue(connectionId, out var groups) && groups.Remove(key) && groups.Count == 0)
        {
            _byConnection.Remove(connectionId);
        }
    }
}
