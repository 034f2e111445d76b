namespace Switchboard.Groups;

/// <summary>
/// Durable group membership: which connections are in which group of an API's stage. The message path never reads it
/// (a node fans a group send out from its own <see cref="Connections.ConnectionTable"/>); it answers listings, and
/// carries membership across nodes and crashes. Rows carry the node and run that made them, so a dead run's
/// memberships are removed with its connection rows (<see cref="Registry.DeadRunCleanup"/>).
/// </summary>
public interface IGroupStore
{
    /// <summary>Adds the connection to the group; adding twice is harmless.</summary>
    ValueTask AddAsync(GroupMember member, CancellationToken cancellationToken = default);

    /// <summary>Removes the connection from the group; removing a non-member is harmless.</summary>
    ValueTask RemoveAsync(string api, string stage, string group, string connectionId, CancellationToken cancellationToken = default);

    /// <summary>Removes the connection from every group (it closed).</summary>
    ValueTask RemoveConnectionAsync(string connectionId, CancellationToken cancellationToken = default);

    /// <summary>The members of a group, in the order they joined.</summary>
    ValueTask<IReadOnlyList<string>> ListAsync(string api, string stage, string group, CancellationToken cancellationToken = default);

    /// <summary>The run ids of every membership, each once, in no particular order (to find the memberships of dead runs).</summary>
    ValueTask<IReadOnlyList<string>> ListRunsAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes the memberships made in run <paramref name="runId"/>; returns how many.</summary>
    ValueTask<int> RemoveRunAsync(string runId, CancellationToken cancellationToken = default);
}

/// <summary>One membership row.</summary>
public sealed record GroupMember(string Api, string Stage, string Group, string ConnectionId, string NodeId, string RunId);
