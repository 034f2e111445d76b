using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Switchboard.Connections;
using Switchboard.Delivery;
using Switchboard.Registry;

namespace Switchboard.Redis.Backplane;

/// <summary>
/// The backplane's life in the host: subscribes before handshakes are taken; when the connection to Redis comes back
/// after a break, writes this node's live state back (heartbeat, directory entries, registry rows, memberships: a Redis
/// that restarted empty has none of it; the subscriptions the multiplexer restores by itself); at a clean stop, after
/// the drain, removes this run's directory entries and unsubscribes.
/// </summary>
/// <remarks>
/// A node that was cut off alone long enough for the others to take it for dead finds, when it is back, that its
/// directory entries were claimed (Redis kept its data: the epoch is unchanged) and their <c>$disconnect</c> has run:
/// it closes those sockets (1001) instead of writing them back, so no connection is disconnected twice or lives on
/// unreachable. When Redis itself lost its data (a new epoch) nothing was claimed, and everything is written back.
/// </remarks>
internal sealed partial class BackplaneService(
    RedisMessageDelivery delivery,
    IConnectionMultiplexer redis,
    LiveConnectionRows rows,
    BackplaneMetrics metrics,
    NodeIdentity node,
    ILogger<BackplaneService> logger) : IHostedService
{
    /// <summary>The close reason of a socket whose connection the other nodes ended while this node could not reach Redis.</summary>
    public const string ClaimedReason = "Going away: this node lost Redis and the cluster ended the connection";

    private readonly SemaphoreSlim _restoring = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private string? _epoch;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await delivery.SubscribeAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        _epoch = await delivery.Directory.EpochAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        redis.ConnectionRestored += OnConnectionRestored;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored -= OnConnectionRestored;
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await delivery.Directory.RemoveRunAsync(node.RunId).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            await delivery.UnsubscribeAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogStopFailed(logger, ex.Message);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive)
        {
            _ = RestoreAsync();
        }
    }

    /// <summary>Writes this node's live state back into Redis; one pass at a time, retried while Redis still fails.</summary>
    internal async Task RestoreAsync()
    {
        if (!await _restoring.WaitAsync(0).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            for (var attempt = 1; !_stopping.IsCancellationRequested; attempt++)
            {
                try
                {
                    await RestoreOnceAsync().ConfigureAwait(false);
                    return;
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException && attempt < 30)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), _stopping.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            LogRestoreFailed(logger, ex);
        }
        finally
        {
            _restoring.Release();
        }
    }

    private async Task RestoreOnceAsync()
    {
        // The heartbeat first, so no node takes the entries that follow for a dead run's.
        await rows.HeartbeatAsync(_stopping.Token).ConfigureAwait(false);
        var epoch = await delivery.Directory.EpochAsync().ConfigureAwait(false);
        var held = rows.Held();
        var keep = held;
        if (epoch == _epoch)
        {
            // Redis kept its data: an entry missing for a socket still held here was claimed by another node.
            var entries = (await delivery.Directory.EntriesAsync(node.RunId).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
            keep = [.. held.Where(connection => entries.Contains(connection.Id))];
            foreach (var claimed in held.Where(connection => !entries.Contains(connection.Id)))
            {
                claimed.DisconnectedElsewhere = true;
                claimed.BeginClose(CloseCodes.GoingAway, ClaimedReason);
            }

            // And an entry for a connection no longer held is one whose removal failed while Redis was away.
            var heldIds = held.Select(static connection => connection.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var stale in entries.Where(id => !heldIds.Contains(id)))
            {
                await delivery.Directory.RemoveAsync(node.RunId, stale).ConfigureAwait(false);
            }

            if (keep.Count < held.Count)
            {
                LogClaimedWhileAway(logger, held.Count - keep.Count);
            }
        }

        _epoch = epoch;
        foreach (var connection in keep)
        {
            await delivery.Directory.AddAsync(node.RunId, ConnectionSnapshot.Of(connection)).ConfigureAwait(false);
            if (!connection.IsOpen)
            {
                await delivery.Directory.RemoveAsync(node.RunId, connection.Id).ConfigureAwait(false);
            }
        }

        var restored = await rows.RestoreAsync(keep, _stopping.Token).ConfigureAwait(false);
        metrics.Restored();
        LogRestored(logger, restored);
    }

    [LoggerMessage(EventId = 920, Level = LogLevel.Information, Message = "Redis is back: this node's {Connections} connections are reachable again (directory, registry rows and group memberships written back)")]
    private static partial void LogRestored(ILogger logger, int connections);

    [LoggerMessage(EventId = 921, Level = LogLevel.Error, Message = "Redis is back, but this node's connections could not be written back into it")]
    private static partial void LogRestoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 922, Level = LogLevel.Warning, Message = "Stopping: this run's connection directory was not removed from Redis ({Reason})")]
    private static partial void LogStopFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 923, Level = LogLevel.Warning, Message = "Redis is back, but while this node could not reach it the other nodes took it for dead and ended {Count} of its connections (their $disconnect has run): those sockets are closed with 1001")]
    private static partial void LogClaimedWhileAway(ILogger logger, int count);
}
