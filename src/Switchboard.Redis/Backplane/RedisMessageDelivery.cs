using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Switchboard.Connections;
using Switchboard.Delivery;

namespace Switchboard.Redis.Backplane;

/// <summary>
/// Delivery across the nodes that share one Redis (SignalR's Redis backplane, with answers). This node's own sockets
/// are served by <see cref="LocalMessageDelivery"/> directly; everything else crosses Redis pub/sub once:
/// <list type="bullet">
/// <item>a stage or group send is published once on the channel every node subscribes to, and each other node hands
/// the frame to its own recipients (a payload crosses Redis once per send, never once per recipient);</item>
/// <item>a call about one connection (send, close, describe, join, leave) finds the run that holds it in the
/// <see cref="ConnectionDirectory"/> and goes to that run's own channel;</item>
/// <item>answers come back on the asking run's channel. A counted fan-out expects one answer from each node the publish
/// reached; a node that does not answer within <see cref="ReplyTimeout"/> makes the result incomplete (503), never a
/// silent partial success. A publish that reached nobody on a run's channel means the run is gone: 410.</item>
/// </list>
/// While Redis is unreachable, this node's own sockets are still served and everything that needs another node answers
/// Unavailable at once (the multiplexer fails commands fast instead of queueing them).
/// </summary>
internal sealed partial class RedisMessageDelivery : IMessageDelivery
{
    /// <summary>How long a call waits for another node's answer.</summary>
    public static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Hand-offs (a client's broadcast) that may wait for Redis at once before a sender waits for its own.</summary>
    public const int MaxHandOffsInFlight = 10_000;

    private int _handOffsInFlight;

    private readonly LocalMessageDelivery _local;
    private readonly NodeIdentity _node;
    private readonly IConnectionMultiplexer _redis;
    private readonly ISubscriber _subscriber;
    private readonly BackplaneKeys _keys;
    private readonly ConnectionDirectory _directory;
    private readonly PendingCalls _calls;
    private readonly LiveRuns _liveRuns;
    private readonly BackplaneMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisMessageDelivery> _logger;

    public RedisMessageDelivery(
        LocalMessageDelivery local,
        NodeIdentity node,
        IConnectionMultiplexer redis,
        BackplaneKeys keys,
        PendingCalls calls,
        LiveRuns liveRuns,
        BackplaneMetrics metrics,
        TimeProvider time,
        ILogger<RedisMessageDelivery> logger)
    {
        _local = local;
        _node = node;
        _redis = redis;
        _subscriber = redis.GetSubscriber();
        _keys = keys;
        _calls = calls;
        _liveRuns = liveRuns;
        _directory = new ConnectionDirectory(redis.GetDatabase(), keys);
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    internal ConnectionDirectory Directory => _directory;

    /// <summary>Subscribes to the channel every node shares and to this run's own; before handshakes are taken.</summary>
    public async Task SubscribeAsync()
    {
        var all = await _subscriber.SubscribeAsync(_keys.All).ConfigureAwait(false);
        all.OnMessage(OnMessage);
        var own = await _subscriber.SubscribeAsync(_keys.Node(_node.RunId)).ConfigureAwait(false);
        own.OnMessage(OnMessage);
    }

    public async Task UnsubscribeAsync()
    {
        await _subscriber.UnsubscribeAsync(_keys.All).ConfigureAwait(false);
        await _subscriber.UnsubscribeAsync(_keys.Node(_node.RunId)).ConfigureAwait(false);
    }

    public async ValueTask OnConnectedAsync(WebSocketConnection connection, CancellationToken cancellationToken = default)
    {
        try
        {
            await _directory.AddAsync(_node.RunId, ConnectionSnapshot.Of(connection)).WaitAsync(ReplyTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new DeliveryUnavailableException("Redis did not take the connection's directory entry", ex);
        }
    }

    public async ValueTask OnDisconnectedAsync(WebSocketConnection connection, CancellationToken cancellationToken = default)
    {
        try
        {
            await _directory.RemoveAsync(_node.RunId, connection.Id).WaitAsync(ReplyTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A stale entry names this run, which answers Gone for it; the clean stop removes what is left.
            LogDirectoryRemoveFailed(_logger, connection.Id, ex.Message);
        }
    }

    public async ValueTask<DeliveryStatus> SendToConnectionAsync(string api, string stage, string connectionId, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default)
    {
        if (_local.Find(api, stage, connectionId) is not null)
        {
            return _local.Send(api, stage, connectionId, frame);
        }

        var answer = await CallHolderAsync(BackplaneKind.SendToConnection, api, stage, connectionId, "", 0, frame, cancellationToken).ConfigureAwait(false);
        return answer.Status;
    }

    public ValueTask<FanOutResult> SendToAllAsync(string api, string stage, ReadOnlyMemory<byte> frame, string? exceptConnectionId, FanOutMode mode, CancellationToken cancellationToken = default) =>
        FanOutAsync(BackplaneKind.SendToAll, api, stage, "", frame, exceptConnectionId, mode, _local.HandOutToStage(api, stage, frame, exceptConnectionId), cancellationToken);

    public ValueTask<FanOutResult> SendToGroupAsync(string api, string stage, string group, ReadOnlyMemory<byte> frame, string? exceptConnectionId, FanOutMode mode, CancellationToken cancellationToken = default) =>
        FanOutAsync(BackplaneKind.SendToGroup, api, stage, group, frame, exceptConnectionId, mode, _local.HandOutToGroup(api, stage, group, frame, exceptConnectionId), cancellationToken);

    public async ValueTask<DeliveryStatus> AddToGroupAsync(string api, string stage, string group, string connectionId, CancellationToken cancellationToken = default)
    {
        if (_local.Find(api, stage, connectionId) is not null)
        {
            return await _local.AddToGroupAsync(api, stage, group, connectionId, cancellationToken).ConfigureAwait(false);
        }

        return (await CallHolderAsync(BackplaneKind.AddToGroup, api, stage, connectionId, group, 0, default, cancellationToken).ConfigureAwait(false)).Status;
    }

    public async ValueTask<DeliveryStatus> RemoveFromGroupAsync(string api, string stage, string group, string connectionId, CancellationToken cancellationToken = default)
    {
        if (_local.Find(api, stage, connectionId) is null)
        {
            var answer = await CallHolderAsync(BackplaneKind.RemoveFromGroup, api, stage, connectionId, group, 0, default, cancellationToken).ConfigureAwait(false);
            if (answer.Status != DeliveryStatus.Gone)
            {
                return answer.Status;
            }
        }

        // Held here, or by nobody: a membership row a closed connection left is removed all the same.
        return await _local.RemoveFromGroupAsync(api, stage, group, connectionId, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<DeliveryStatus> CloseAsync(string api, string stage, string connectionId, ushort closeCode, string reason, CancellationToken cancellationToken = default)
    {
        if (_local.Find(api, stage, connectionId) is not null)
        {
            return await _local.CloseAsync(api, stage, connectionId, closeCode, reason, cancellationToken).ConfigureAwait(false);
        }

        return (await CallHolderAsync(BackplaneKind.Close, api, stage, connectionId, reason, closeCode, default, cancellationToken).ConfigureAwait(false)).Status;
    }

    public async ValueTask<ConnectionLookup> GetConnectionAsync(string api, string stage, string connectionId, CancellationToken cancellationToken = default)
    {
        if (_local.Find(api, stage, connectionId) is not null)
        {
            return await _local.GetConnectionAsync(api, stage, connectionId, cancellationToken).ConfigureAwait(false);
        }

        var answer = await CallHolderAsync(BackplaneKind.Describe, api, stage, connectionId, "", 0, default, cancellationToken).ConfigureAwait(false);
        if (answer.Status != DeliveryStatus.Done)
        {
            return new ConnectionLookup(answer.Status, null);
        }

        return ConnectionSnapshotCodec.Decode(answer.Body) is { } snapshot
            ? new ConnectionLookup(DeliveryStatus.Done, snapshot)
            : new ConnectionLookup(DeliveryStatus.Unavailable, null);
    }

    public async ValueTask<IReadOnlyList<ConnectionSnapshot>> ClaimOrphansAsync(string runId, CancellationToken cancellationToken = default) =>
        await _directory.ClaimAsync(runId).WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Whether the run's process still listens on its channel (Redis drops a dead process's subscriptions).</summary>
    public async ValueTask<bool> IsRunReachableAsync(string runId, CancellationToken cancellationToken = default) =>
        await SubscribersAsync(_keys.Node(runId)).WaitAsync(cancellationToken).ConfigureAwait(false) > 0;

    /// <summary>
    /// This node's share first (its own sockets never wait for Redis), then one publish for every other node. With
    /// <see cref="FanOutMode.Count"/> the call waits for each node the publish reached to answer with its count.
    /// </summary>
    private async ValueTask<FanOutResult> FanOutAsync(
        BackplaneKind kind, string api, string stage, string group, ReadOnlyMemory<byte> frame, string? except, FanOutMode mode, int localSent, CancellationToken cancellationToken)
    {
        var call = mode == FanOutMode.Count ? _calls.Begin() : null;
        if (mode == FanOutMode.Count && call is null)
        {
            return new FanOutResult(localSent, Complete: false);
        }

        try
        {
            var message = new BackplaneMessage
            {
                Kind = kind,
                RequestId = call?.Id ?? 0,
                OriginRunId = _node.RunId,
                Api = api,
                Stage = stage,
                Target = group,
                Extra = except ?? "",
                Body = frame,
            };
            if (call is null)
            {
                return await HandOffAsync(message, localSent).ConfigureAwait(false);
            }

            // Every other live node must answer, not just those the publish reached: a node whose subscription is
            // reconnecting (or that died less than 15 s ago) did not get the frame, and the caller must hear so.
            var others = (await _liveRuns.ReadAsync(cancellationToken).ConfigureAwait(false)).Where(run => run != _node.RunId).ToHashSet(StringComparer.Ordinal);
            await PublishAsync(_keys.All, message).ConfigureAwait(false);
            call.ExpectFrom(others);
            await call.Done.WaitAsync(ReplyTimeout, _time, cancellationToken).ConfigureAwait(false);
            return new FanOutResult(localSent + call.Sum, Complete: true);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _metrics.Incomplete();
            var missing = call is null ? "" : string.Join(", ", call.Missing);
            LogIncomplete(api, stage, missing.Length > 0 ? $"no answer from runs {missing}" : ex.Message);
            return new FanOutResult(localSent + (call?.Sum ?? 0), Complete: false);
        }
        finally
        {
            if (call is not null)
            {
                _calls.End(call);
            }
        }
    }

    /// <summary>
    /// A hand-off is not awaited: the sender's next message is read while Redis takes this one (in order: the
    /// multiplexer writes commands in the order they were made), so a fast sender's broadcasts reach every node's
    /// send loops in bursts, flushed together, instead of one flush per broadcast per recipient. At most
    /// <see cref="MaxHandOffsInFlight"/> wait for Redis at once; past that the sender waits for its own, which bounds
    /// what a slow Redis can make this node hold. A failure known at once (Redis unreachable) makes the result
    /// incomplete; one that comes later is logged and counted.
    /// </summary>
    private async ValueTask<FanOutResult> HandOffAsync(BackplaneMessage message, int localSent)
    {
        if (!_redis.IsConnected)
        {
            _metrics.Incomplete();
            LogIncomplete(message.Api, message.Stage, "Redis is unreachable");
            return new FanOutResult(localSent, Complete: false);
        }

        var publishing = PublishAsync(_keys.All, message);
        if (publishing.IsCompleted)
        {
            await publishing.ConfigureAwait(false);
            return new FanOutResult(localSent, Complete: true);
        }

        if (Interlocked.Increment(ref _handOffsInFlight) > MaxHandOffsInFlight)
        {
            try
            {
                await publishing.ConfigureAwait(false);
                return new FanOutResult(localSent, Complete: true);
            }
            finally
            {
                Interlocked.Decrement(ref _handOffsInFlight);
            }
        }

        _ = ObserveHandOffAsync(publishing, message.Api, message.Stage);
        return new FanOutResult(localSent, Complete: true);
    }

    private async Task ObserveHandOffAsync(Task publishing, string api, string stage)
    {
        try
        {
            await publishing.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _metrics.Incomplete();
            LogIncomplete(api, stage, ex.Message);
        }
        finally
        {
            Interlocked.Decrement(ref _handOffsInFlight);
        }
    }

    /// <summary>A request to the run that holds a connection, and its answer: Gone when no live run holds it.</summary>
    private async ValueTask<(DeliveryStatus Status, ReadOnlyMemory<byte> Body)> CallHolderAsync(
        BackplaneKind kind, string api, string stage, string connectionId, string extra, int number, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var call = _calls.Begin();
        if (call is null)
        {
            return (DeliveryStatus.Unavailable, default);
        }

        try
        {
            var holder = await _directory.OwnerAsync(connectionId).WaitAsync(ReplyTimeout, _time, cancellationToken).ConfigureAwait(false);
            if (holder is null || holder == _node.RunId)
            {
                // No run holds it, or this one did and it has closed since (it is not in this node's table).
                return (DeliveryStatus.Gone, default);
            }

            var message = new BackplaneMessage
            {
                Kind = kind,
                RequestId = call.Id,
                OriginRunId = _node.RunId,
                Api = api,
                Stage = stage,
                Target = connectionId,
                Extra = extra,
                Number = number,
                Body = body,
            };
            if (await PublishAsync(_keys.Node(holder), message).ConfigureAwait(false) == 0)
            {
                // Nobody listens on the holder's channel. A dead process's subscriptions are dropped by Redis, so the
                // connection is gone, unless the run still heartbeats: then its subscription is only reconnecting,
                // and the connection may well be open.
                var live = await _liveRuns.ReadAsync(cancellationToken).ConfigureAwait(false);
                return (live.Contains(holder) ? DeliveryStatus.Unavailable : DeliveryStatus.Gone, default);
            }

            call.Expect(1);
            await call.Done.WaitAsync(ReplyTimeout, _time, cancellationToken).ConfigureAwait(false);
            var (status, answer) = call.Last;

            // A status this version does not know (a newer node's) promises nothing.
            return (Enum.IsDefined((DeliveryStatus)status) ? (DeliveryStatus)status : DeliveryStatus.Unavailable, answer);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _metrics.Incomplete();
            LogCallIncomplete(kind, connectionId, ex.Message);
            return (DeliveryStatus.Unavailable, default);
        }
        finally
        {
            _calls.End(call);
        }
    }

    /// <summary>Subscribers of a channel on every primary (on Redis Cluster each node counts its own).</summary>
    private async Task<long> SubscribersAsync(RedisChannel channel)
    {
        long subscribers = 0;
        foreach (var server in _redis.GetServers().Where(static server => server.IsConnected && !server.IsReplica))
        {
            subscribers += await server.SubscriptionSubscriberCountAsync(channel).ConfigureAwait(false);
        }

        return subscribers;
    }

    // An outage fails every send that crosses Redis: one warning per 10 s says so without flooding the log.
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(10);
    private long _lastLogged = long.MinValue;

    private bool ShouldLog()
    {
        var last = Volatile.Read(ref _lastLogged);
        var now = _time.GetTimestamp();
        return (last == long.MinValue || _time.GetElapsedTime(last, now) >= LogEvery) && Interlocked.CompareExchange(ref _lastLogged, now, last) == last;
    }

    private void LogIncomplete(string api, string stage, string reason)
    {
        if (ShouldLog())
        {
            LogFanOutIncomplete(_logger, api, stage, reason);
        }
    }

    private void LogCallIncomplete(BackplaneKind kind, string connectionId, string reason)
    {
        if (ShouldLog())
        {
            LogCallFailed(_logger, kind, connectionId, reason);
        }
    }

    private async Task<long> PublishAsync(RedisChannel channel, BackplaneMessage message)
    {
        var bytes = message.ToBytes();
        var receivers = await _subscriber.PublishAsync(channel, bytes).ConfigureAwait(false);
        _metrics.Published(bytes.Length);
        return receivers;
    }

    [LoggerMessage(EventId = 910, Level = LogLevel.Warning, Message = "A send to {Api}/{Stage} reached this node's connections but not every node: {Reason} (at most one such warning per 10 s)")]
    private static partial void LogFanOutIncomplete(ILogger logger, string api, string stage, string reason);

    [LoggerMessage(EventId = 911, Level = LogLevel.Warning, Message = "{Kind} for connection {ConnectionId} could not reach the node that holds it: {Reason} (at most one such warning per 10 s)")]
    private static partial void LogCallFailed(ILogger logger, BackplaneKind kind, string connectionId, string reason);

    [LoggerMessage(EventId = 912, Level = LogLevel.Error, Message = "A backplane message ({Kind}) failed on this node")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, BackplaneKind kind);

    [LoggerMessage(EventId = 913, Level = LogLevel.Debug, Message = "Connection {ConnectionId}'s directory entry was not removed: {Reason}")]
    private static partial void LogDirectoryRemoveFailed(ILogger logger, string connectionId, string reason);
}
