using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Switchboard.Delivery;

namespace Switchboard.Redis.Backplane;

/// <summary>The receiving side: what this node does with the messages other nodes publish on its channels.</summary>
internal sealed partial class RedisMessageDelivery
{
    /// <summary>
    /// Every message for this node, in the order Redis delivered it on its channel (each channel's handler runs one
    /// message at a time): sends are handed to local sockets here, without waiting for anything; the calls that write
    /// to the store (joins, leaves) run on their own so they never hold up the sends behind them.
    /// </summary>
    private void OnMessage(ChannelMessage received)
    {
        if (!BackplaneMessage.TryRead((ReadOnlyMemory<byte>)received.Message, out var message))
        {
            _metrics.Malformed();
            return;
        }

        if (message.Kind == BackplaneKind.Reply)
        {
            _calls.Answer(message);
            return;
        }

        if (message.OriginRunId == _node.RunId)
        {
            // This node's own fan-out, which it already handed to its sockets.
            return;
        }

        _metrics.Received();
        try
        {
            switch (message.Kind)
            {
                case BackplaneKind.SendToAll:
                    ReplyIfAsked(message, _local.HandOutToStage(message.Api, message.Stage, message.Body, Except(message)));
                    break;
                case BackplaneKind.SendToGroup:
                    ReplyIfAsked(message, _local.HandOutToGroup(message.Api, message.Stage, message.Target, message.Body, Except(message)));
                    break;
                case BackplaneKind.SendToConnection:
                    ReplyIfAsked(message, (int)_local.Send(message.Api, message.Stage, message.Target, message.Body));
                    break;
                case BackplaneKind.Describe:
                    var found = _local.Find(message.Api, message.Stage, message.Target);
                    ReplyIfAsked(message, (int)(found is null ? DeliveryStatus.Gone : DeliveryStatus.Done), found is null ? default : ConnectionSnapshotCodec.Encode(ConnectionSnapshot.Of(found)));
                    break;
                case BackplaneKind.Close:
                    var closed = _local.Find(message.Api, message.Stage, message.Target) is { } connection && connection.BeginClose((ushort)message.Number, message.Extra);
                    ReplyIfAsked(message, (int)(closed ? DeliveryStatus.Done : DeliveryStatus.Gone));
                    break;
                case BackplaneKind.AddToGroup:
                case BackplaneKind.RemoveFromGroup:
                    _ = ChangeGroupAsync(message);
                    break;
            }
        }
        catch (Exception ex)
        {
            LogHandlerFailed(_logger, ex, message.Kind);
        }
    }

    private async Task ChangeGroupAsync(BackplaneMessage message)
    {
        DeliveryStatus status;
        try
        {
            status = message.Kind == BackplaneKind.AddToGroup
                ? await _local.AddToGroupAsync(message.Api, message.Stage, message.Extra, message.Target).ConfigureAwait(false)
                : _local.Find(message.Api, message.Stage, message.Target) is null
                    ? DeliveryStatus.Gone
                    : await _local.RemoveFromGroupAsync(message.Api, message.Stage, message.Extra, message.Target).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The group store refused: the asker answers 503 rather than a success nobody recorded.
            LogHandlerFailed(_logger, ex, message.Kind);
            status = DeliveryStatus.Unavailable;
        }

        ReplyIfAsked(message, (int)status);
    }

    private static string? Except(in BackplaneMessage message) => message.Extra.Length == 0 ? null : message.Extra;

    private void ReplyIfAsked(in BackplaneMessage request, int number, ReadOnlyMemory<byte> body = default)
    {
        if (request.RequestId == 0)
        {
            return;
        }

        var reply = new BackplaneMessage
        {
            Kind = BackplaneKind.Reply,
            RequestId = request.RequestId,
            OriginRunId = _node.RunId,
            Number = number,
            Body = body,
        };

        // Fire and forget: the handler never waits on Redis, and an answer lost to an outage is a timeout for the asker.
        try
        {
            _subscriber.Publish(_keys.Node(request.OriginRunId), reply.ToBytes(), CommandFlags.FireAndForget);
        }
        catch (RedisException)
        {
        }
    }
}
