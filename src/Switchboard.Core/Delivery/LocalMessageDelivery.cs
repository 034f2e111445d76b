using System.Collections.Concurrent;
using Switchboard.Connections;
using Switchboard.Operations;

namespace Switchboard.Delivery;

/// <summary>Delivery to this node's own sockets, straight from the <see cref="ConnectionTable"/>.</summary>
public sealed class LocalMessageDelivery(ConnectionTable connections, GatewayMetrics metrics) : IMessageDelivery
{
    public ValueTask<SendOutcome> SendAsync(string api, string stage, string connectionId, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default)
    {
        var connection = Find(api, stage, connectionId);
        if (connection is null)
        {
            return ValueTask.FromResult(SendOutcome.Gone);
        }

        return ValueTask.FromResult(connection.Enqueue(frame) switch
        {
            EnqueueResult.Queued => SendOutcome.Queued,
            EnqueueResult.Overflow => SendOutcome.QueueFull,
            _ => SendOutcome.Gone,
        });
    }

    public ValueTask<int> BroadcastAsync(string api, string stage, ReadOnlyMemory<byte> frame, string? exceptConnectionId, CancellationToken cancellationToken = default)
    {
        metrics.Broadcast();
        return ValueTask.FromResult(HandOut(connections.StageMap(api, stage), frame, exceptConnectionId));
    }

    public ValueTask<int> SendToGroupAsync(string api, string stage, string group, ReadOnlyMemory<byte> frame, string? exceptConnectionId, CancellationToken cancellationToken = default)
    {
        metrics.Broadcast();
        return ValueTask.FromResult(HandOut(connections.GroupMap(api, stage, group), frame, exceptConnectionId));
    }

    public ValueTask<bool> AddToGroupAsync(string api, string stage, string group, string connectionId, CancellationToken cancellationToken = default)
    {
        var connection = Find(api, stage, connectionId);
        return ValueTask.FromResult(connection is not null && connections.Join(connection, group));
    }

    public ValueTask RemoveFromGroupAsync(string api, string stage, string group, string connectionId, CancellationToken cancellationToken = default)
    {
        if (connections.Find(connectionId) is { } connection && connection.Api == api && connection.Stage == stage)
        {
            connections.Leave(connection, group);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// One shared frame, one enqueue per recipient, no await: a recipient with a full queue is closed by TryEnqueue
    /// and skipped, and nobody waits for it.
    /// </summary>
    private static int HandOut(ConcurrentDictionary<string, WebSocketConnection>? map, ReadOnlyMemory<byte> frame, string? exceptConnectionId)
    {
        if (map is null)
        {
            return 0;
        }

        var handed = 0;
        foreach (var pair in map)
        {
            if (exceptConnectionId is not null && string.Equals(pair.Key, exceptConnectionId, StringComparison.Ordinal))
            {
                continue;
            }

            if (pair.Value.TryEnqueue(frame))
            {
                handed++;
            }
        }

        return handed;
    }

    public ValueTask<bool> CloseAsync(string api, string stage, string connectionId, ushort closeCode, string reason, CancellationToken cancellationToken = default)
    {
        var connection = Find(api, stage, connectionId);
        return ValueTask.FromResult(connection is not null && connection.BeginClose(closeCode, reason));
    }

    private WebSocketConnection? Find(string api, string stage, string connectionId)
    {
        var connection = connections.Find(connectionId);
        return connection is not null && connection.IsOpen && connection.Api == api && connection.Stage == stage ? connection : null;
    }
}
