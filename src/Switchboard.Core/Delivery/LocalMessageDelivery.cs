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
        var map = connections.StageMap(api, stage);
        if (map is null)
        {
            return ValueTask.FromResult(0);
        }

        // One shared frame, one enqueue per recipient, no await: a recipient with a full queue is closed by TryEnqueue
        // and skipped, and nobody waits for it.
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

        return ValueTask.FromResult(handed);
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
