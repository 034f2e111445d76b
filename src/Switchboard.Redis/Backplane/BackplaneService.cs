using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Switchboard.Connections;
using Switchboard.Registry;

namespace Switchboard.Redis.Backplane;

/// <summary>
/// The backplane's life in the host: subscribes before handshakes are taken; when the connection to Redis comes back
/// after a break, writes this node's live state back (heartbeat, directory entries, registry rows, memberships: a Redis
/// that restarted empty has none of it; the subscriptions the multiplexer restores by itself); at a clean stop, after
/// the drain, removes this run's directory entries and unsubscribes.
/// </summary>
internal sealed partial class BackplaneService(
    RedisMessageDelivery delivery,
    IConnectionMultiplexer redis,
    ConnectionTable connections,
    LiveConnectionRows rows,
    BackplaneMetrics metrics,
    NodeIdentity node,
    ILogger<BackplaneService> logger) : IHostedService
{
    private readonly SemaphoreSlim _restoring = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await delivery.SubscribeAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
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
            // The survivors claim what is left once this run's heartbeat expires.
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
                    await rows.HeartbeatAsync(_stopping.Token).ConfigureAwait(false);
                    var entries = 0;
                    foreach (var connection in connections.Running)
                    {
                        if (connection.IsOpen)
                        {
                            await delivery.Directory.AddAsync(node.RunId, Delivery.ConnectionSnapshot.Of(connection)).ConfigureAwait(false);
                            entries++;
                        }
                    }

                    var restored = await rows.RestoreAsync(_stopping.Token).ConfigureAwait(false);
                    metrics.Restored();
                    LogRestored(logger, entries, restored);
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

    [LoggerMessage(EventId = 920, Level = LogLevel.Information, Message = "Redis is back: this node's {Entries} connections are reachable again ({Rows} written back to the registry and groups)")]
    private static partial void LogRestored(ILogger logger, int entries, int rows);

    [LoggerMessage(EventId = 921, Level = LogLevel.Error, Message = "Redis is back, but this node's connections could not be written back into it")]
    private static partial void LogRestoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 922, Level = LogLevel.Warning, Message = "Stopping: this run's connection directory was not removed from Redis ({Reason}); other nodes remove it when its heartbeat expires")]
    private static partial void LogStopFailed(ILogger logger, string reason);
}
