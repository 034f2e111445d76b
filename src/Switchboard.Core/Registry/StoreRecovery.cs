using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Switchboard.Registry;

/// <summary>
/// Brings the gateway back by itself once the store takes writes again: while <see cref="StoreHealth"/> says refusing,
/// every <see cref="ProbeInterval"/> it asks the registry whether writes work (<see cref="IConnectionRegistry.PingAsync"/>),
/// then removes the rows the failed writes left (<see cref="PendingRemovals"/>), and only then takes handshakes again.
/// </summary>
internal sealed partial class StoreRecovery(
    IConnectionRegistry registry,
    StoreHealth health,
    PendingRemovals pending,
    TimeProvider time,
    ILogger<StoreRecovery> logger) : BackgroundService
{
    /// <summary>Also the back-off between retries of the pending removals.</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ProbeInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (!health.IsRefusing && pending.Count == 0)
                {
                    continue;
                }

                var failuresBeforeProbe = health.Failures;
                if (!await registry.PingAsync(stoppingToken).ConfigureAwait(false))
                {
                    continue;
                }

                var removing = pending.Count;
                if (!await pending.RetryAsync(stoppingToken).ConfigureAwait(false))
                {
                    continue;
                }

                if (removing > 0)
                {
                    LogPendingRemoved(logger, removing);
                }

                health.TryRecover(failuresBeforeProbe);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(EventId = 702, Level = LogLevel.Information,
        Message = "Removed the rows of {Count} connections that could not be removed while the store refused writes")]
    private static partial void LogPendingRemoved(ILogger logger, int count);
}
