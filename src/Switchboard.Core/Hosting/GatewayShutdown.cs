using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Connections;
using Switchboard.Operations;
using Switchboard.Routing;

namespace Switchboard.Hosting;

/// <summary>
/// The clean stop: the moment stopping begins, refuse new handshakes and send every socket a 1001 close; then wait for
/// clients to answer and for each connection's queued backend messages and <c>$disconnect</c> (up to
/// <c>limits.shutdownDrainSeconds</c>, when the lifecycle's drain deadline cancels the queued messages still waiting),
/// drop the rest, and let each connection's own clean-up ($disconnect, its registry row) finish before the store closes.
/// It drains in <see cref="StoppingAsync"/>, which the host runs before any service's <c>StopAsync</c>: Kestrel's own
/// stop waits for open connections until the host's stop timeout, so a drain run after it would begin only once the
/// clients had been dropped and the <c>$disconnect</c> deadline had passed.
/// </summary>
internal sealed partial class GatewayShutdown(
    ConnectionTable connections,
    GatewayLifecycle lifecycle,
    GatewayRuntimeHolder runtime,
    IHostApplicationLifetime hostLifetime,
    TimeProvider time,
    ILogger<GatewayShutdown> logger) : IHostedLifecycleService
{
    private int _draining;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        hostLifetime.ApplicationStopping.Register(BeginDrain);
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        BeginDrain();
        var drain = TimeSpan.FromSeconds(runtime.Current.Limits.ShutdownDrainSeconds);
        var started = time.GetUtcNow();
        while (connections.RunningCount > 0 && time.GetUtcNow() - started < drain && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), time, CancellationToken.None).ConfigureAwait(false);
        }

        var left = connections.RunningCount;
        if (left > 0)
        {
            LogDropping(logger, left);
            foreach (var connection in connections.Running)
            {
                connection.Abort();
            }
        }

        // Each aborted connection still runs its clean-up ($disconnect, the registry row); wait for it until the exit
        // deadline, which also ends the $disconnect calls still waiting for a backend, before the store closes.
        var cleanupStarted = time.GetUtcNow();
        while (connections.RunningCount > 0 && time.GetUtcNow() - cleanupStarted < GatewayLifecycle.DisconnectGrace + TimeSpan.FromMilliseconds(500))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), time, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private void BeginDrain()
    {
        // CancelAfter restarts the clock on a second call; only the first (ApplicationStopping, then StoppingAsync) starts it.
        if (Interlocked.Exchange(ref _draining, 1) == 0)
        {
            lifecycle.BeginShutdown(TimeSpan.FromSeconds(runtime.Current.Limits.ShutdownDrainSeconds));
        }

        var closing = 0;
        foreach (var connection in connections.All)
        {
            if (connection.BeginClose(CloseCodes.GoingAway, "Going away: server shutting down"))
            {
                closing++;
            }
        }

        if (closing > 0)
        {
            LogDraining(logger, closing);
        }
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Shutting down: closing {Count} connections with 1001")]
    private static partial void LogDraining(ILogger logger, int count);

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Shutting down: {Count} connections did not answer the close in time and were dropped")]
    private static partial void LogDropping(ILogger logger, int count);
}
