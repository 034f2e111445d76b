namespace Switchboard.Connections;

public sealed partial class WebSocketConnection
{
    // The groups this connection is in on this node; null until the first join, so an ordinary connection pays nothing.
    private HashSet<string>? _groups;

    /// <summary>Whether the connection has ever joined a group (so its close must clean memberships up).</summary>
    internal bool HasJoinedGroups { get; private set; }

    internal void AddGroup(string group)
    {
        lock (_abort)
        {
            (_groups ??= new HashSet<string>(StringComparer.Ordinal)).Add(group);
            HasJoinedGroups = true;
        }
    }

    internal void RemoveGroup(string group)
    {
        lock (_abort)
        {
            _groups?.Remove(group);
        }
    }

    /// <summary>A copy of the groups the connection is in.</summary>
    internal string[] GroupsSnapshot()
    {
        lock (_abort)
        {
            return _groups is null ? [] : [.. _groups];
        }
    }
}
