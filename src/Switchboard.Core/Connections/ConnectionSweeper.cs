using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Operations;
using Switchboard.Registry;
using Switchboard.Routing;

namespace Switchboard.Connections;

/// <summary>
/// One timer for all connections instead of timers per socket: every second it closes idle (1001) and too-old (1001)
/// connections, sends keep-alive pings and drops peers that stopped answering, and every few seconds tells the
/// registry the newer <c>lastActiveAt</c> values in one batch.
/// </summary>
internal sealed partial class ConnectionSweeper(
    ConnectionTable connections,
    GatewayRuntimeHolder runtime,
    IConnectionRegistry registry,
    TimeProvider time,
    GatewayMetrics metrics,
    ILogger<ConnectionSweeper> logger) : BackgroundService
{
    private readonly HeapTrimmer _heapTrimmer = new();

    private static readonly byte[] PingFrame = WebSocketFrames.Build(WebSocketOpcode.Ping, []);
    private static readonly TimeSpan FlushEvery = TimeSpan.FromSeconds(5);

    // A flush may wait on a store that refuses writes; it never holds up the timeouts, and gives up at this deadline.
    private static readonly TimeSpan FlushDeadline = TimeSpan.FromSeconds(5);

    private Task _flushing = Task.CompletedTask;
    private bool _flushFailing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        var lastFlush = time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var now = time.GetTimestamp();
                try
                {
                    Sweep(now);
                    _heapTrimmer.Tick(metrics.ConnectsTotal);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One bad pass must not stop timeouts for good (a faulted BackgroundService stops the host).
                    LogSweepFailed(logger, ex);
                }

                if (time.GetElapsedTime(lastFlush, now) >= FlushEvery && _flushing.IsCompleted)
                {
                    lastFlush = now;
                    _flushing = FlushLastActiveAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// One pass over every connection at <paramref name="now"/>, a timestamp of the TimeProvider's monotonic clock
    /// (<see cref="TimeProvider.GetTimestamp"/>): a step of the wall clock changes no deadline.
    /// </summary>
    internal void Sweep(long now)
    {
        var limits = runtime.Current.Limits;
        var second = time.TimestampFrequency;
        var idle = limits.IdleTimeoutSeconds * second;
        var lifetime = limits.MaxConnectionLifetimeSeconds * second;
        var keepAlive = limits.KeepAliveIntervalSeconds * second;
        var assembly = limits.MessageAssemblySeconds * second;
        foreach (var connection in connections.All)
        {
            if (!connection.IsOpen)
            {
                continue;
            }

            if (now - connection.MessageStartedTimestamp >= assembly)
            {
                // A frame sent in part or a message left open: what it holds in buffers must not be held for ever.
                connection.BeginClose(CloseCodes.PolicyViolation, $"Message not completed within {limits.MessageAssemblySeconds} seconds (limits.messageAssemblySeconds)");
            }
            else if (now - connection.ConnectedTimestamp >= lifetime)
            {
                connection.BeginClose(CloseCodes.GoingAway, "Going away: connection lifetime reached");
            }
            else if (now - connection.LastTrafficTimestamp >= idle)
            {
                connection.BeginClose(CloseCodes.GoingAway, "Going away: idle timeout");
            }
            else if (keepAlive > 0 && connection.Inbound is not { IsFull: true })
            {
                // (A connection whose inbound queue is full is not being read, by the server's choice: its silence
                // says nothing about the client, so it is neither pinged nor dropped until reading resumes.)
                var silent = now - connection.LastReceivedTimestamp;
                if (silent >= 2 * keepAlive + second)
                {
                    // Not even a pong for two intervals: the peer is gone without a close.
                    connection.Abort();
                }
                else if (silent >= keepAlive && now - connection.LastPingSentTimestamp >= keepAlive)
                {
                    connection.LastPingSentTimestamp = now;
                    connection.TryEnqueue(PingFrame, isMessage: false);
                }
            }
        }
    }

    private async Task FlushLastActiveAsync(CancellationToken cancellationToken)
    {
        List<LastActiveUpdate>? updates = null;
        foreach (var connection in connections.All)
        {
            var active = connection.LastActiveTimestamp;
            if (connection.IsRegistered && active > connection.LastActiveFlushedTimestamp)
            {
                connection.LastActiveFlushedTimestamp = active;
                (updates ??= []).Add(new LastActiveUpdate(connection.Id, connection.LastActiveAt));
            }
        }

        if (updates is null)
        {
            return;
        }

        try
        {
            using var deadline = new CancellationTokenSource(FlushDeadline, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            await registry.UpdateLastActiveAsync(updates, linked.Token).ConfigureAwait(false);
            if (_flushFailing)
            {
                _flushFailing = false;
                LogFlushRecovered(logger);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Once per failure streak: a store that refuses writes is reported by the registry's own health warning.
            if (!_flushFailing)
            {
                _flushFailing = true;
                LogFlushFailed(logger, ex, updates.Count);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(EventId = 401, Level = LogLevel.Error, Message = "A pass over the connections for timeouts and keep-alives failed; the next one runs in a second")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "Could not record lastActiveAt of {Count} connections in the registry; further failures are not logged until a flush succeeds")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 402, Level = LogLevel.Information, Message = "lastActiveAt values are recorded in the registry again")]
    private static partial void LogFlushRecovered(ILogger logger);
}
