using System.Collections.Concurrent;

namespace Switchboard.Connections;

/// <summary>
/// This node's open connections: by id (management API) and by API and stage (broadcast). Lock-free reads; a broadcast
/// enumerates one stage's dictionary and never touches the store.
/// </summary>
public sealed class ConnectionTable
{
    private readonly ConcurrentDictionary<string, WebSocketConnection> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Api, string Stage), ConcurrentDictionary<string, WebSocketConnection>> _byStage = new();

    // Group members by API, stage and group name: a group send enumerates one dictionary, as a broadcast does.
    private readonly ConcurrentDictionary<(string Api, string Stage, string Group), ConcurrentDictionary<string, WebSocketConnection>> _byGroup = new();

    // Striped locks for joins and leaves (never for sends), by the hash of the group's key.
    private readonly Lock[] _groupLocks = [.. Enumerable.Range(0, 64).Select(static _ => new Lock())];

    // Every connection whose handler is still running, open or closing: what a shutdown waits for.
    private readonly ConcurrentDictionary<WebSocketConnection, byte> _running = new();

    /// <summary>Open connections.</summary>
    public int Count => _byId.Count;

    /// <summary>Connections whose handler has not finished (open, closing, or running <c>$disconnect</c>).</summary>
    public int RunningCount => _running.Count;

    public IEnumerable<WebSocketConnection> Running
    {
        get
        {
            foreach (var pair in _running)
            {
                yield return pair.Key;
            }
        }
    }

    internal void Track(WebSocketConnection connection) => _running.TryAdd(connection, 0);

    internal void Untrack(WebSocketConnection connection) => _running.TryRemove(connection, out _);

    public void Add(WebSocketConnection connection)
    {
        _byId[connection.Id] = connection;
        var stage = _byStage.GetOrAdd((connection.Api, connection.Stage), static _ => new(StringComparer.Ordinal));
        stage[connection.Id] = connection;
    }

    public void Remove(WebSocketConnection connection)
    {
        _byId.TryRemove(new KeyValuePair<string, WebSocketConnection>(connection.Id, connection));
        if (_byStage.TryGetValue((connection.Api, connection.Stage), out var stage))
        {
            stage.TryRemove(new KeyValuePair<string, WebSocketConnection>(connection.Id, connection));
        }

        if (connection.HasJoinedGroups)
        {
            foreach (var group in connection.GroupsSnapshot())
            {
                Leave(connection, group);
            }
        }
    }

    /// <summary>Puts an open connection in a group of its API and stage; false when it is no longer open.</summary>
    public bool Join(WebSocketConnection connection, string group)
    {
        var key = (connection.Api, connection.Stage, group);
        lock (GroupLock(key))
        {
            _byGroup.GetOrAdd(key, static _ => new(StringComparer.Ordinal))[connection.Id] = connection;
        }

        connection.AddGroup(group);
        if (!connection.IsOpen)
        {
            // It closed meanwhile, and its close may have run before AddGroup: undo, so no closed member stays.
            Leave(connection, group);
            return false;
        }

        return true;
    }

    public void Leave(WebSocketConnection connection, string group)
    {
        connection.RemoveGroup(group);
        var key = (connection.Api, connection.Stage, group);

        // Joins and leaves of one group take its lock, so a leave that empties the group's dictionary and drops it
        // cannot drop a member that joined in between. Group sends never take it: they enumerate the dictionary.
        lock (GroupLock(key))
        {
            if (_byGroup.TryGetValue(key, out var members)
                && members.TryRemove(new KeyValuePair<string, WebSocketConnection>(connection.Id, connection))
                && members.IsEmpty)
            {
                _byGroup.TryRemove(key, out _);
            }
        }
    }

    private Lock GroupLock((string Api, string Stage, string Group) key) =>
        _groupLocks[(int)((uint)key.GetHashCode() % (uint)_groupLocks.Length)];

    /// <summary>The members of a group on this node, or null; enumerate the dictionary itself (lock-free).</summary>
    internal ConcurrentDictionary<string, WebSocketConnection>? GroupMap(string api, string stage, string group) =>
        _byGroup.TryGetValue((api, stage, group), out var members) ? members : null;

    public WebSocketConnection? Find(string connectionId) =>
        _byId.TryGetValue(connectionId, out var connection) ? connection : null;

    /// <summary>
    /// The connections of one API and stage, or null. Enumerate the dictionary itself: that is lock-free, where
    /// <c>.Values</c> takes every lock and copies.
    /// </summary>
    internal ConcurrentDictionary<string, WebSocketConnection>? StageMap(string api, string stage) =>
        _byStage.TryGetValue((api, stage), out var connections) ? connections : null;

    public IEnumerable<WebSocketConnection> All
    {
        get
        {
            foreach (var pair in _byId)
            {
                yield return pair.Value;
            }
        }
    }
}
