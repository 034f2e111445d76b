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
    }

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
