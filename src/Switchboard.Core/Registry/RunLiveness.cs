using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Connections;
using Switchboard.Groups;

namespace Switchboard.Registry;

/// <summary>
/// This run's life in the store: its first heartbeat and the removal of dead runs' rows at start
/// (<see cref="StartRunAsync"/>), a heartbeat every <see cref="HeartbeatInterval"/> and a dead-run pass every
/// <see cref="CleanupEvery"/> heartbeats while it serves, and at a clean stop the removal of every row and membership
/// of this run, so a stop leaves no rows even when a connection's own clean-up (a late <c>$disconnect</c>, a failed
/// removal) did not finish. Its stop runs after <see cref="Hosting.GatewayShutdown"/>'s drain.
/// </summary>
internal sealed partial class RunLiveness(
    IConnectionRegistry registry,
    IGroupStore groups,
    NodeIdentity node,
    DeadRunCleanup deadRuns,
    StoreHealth health,
    TimeProvider time,
    ILogger<RunLiveness> logger) : BackgroundService
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A dead-run pass with every heartbeat: a dead node's connections must be gone (and answered 410) within 30 s of its
    /// death, and the pass is two reads when nothing died.
    /// </summary>
    private const int CleanupEvery = 1;

    /// <summary>
    /// Heartbeats in a row the store must have taken before a dead-run pass: after an outage every live node has had
    /// time to send one, so no live run is taken for dead because the store was down.
    /// </summary>
    private const int HealthyBeatsBeforeCleanup = 3;

    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Sends this run's first heartbeat, then removes the rows of dead runs and of earlier runs of this node id. Called
    /// by <see cref="Hosting.GatewayHost.StartAsync"/> once the node id is known and before handshakes are taken.
    /// </summary>
    public async Task StartRunAsync(CancellationToken cancellationToken)
    {
        await registry.HeartbeatAsync(node.RunId, node.NodeId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        await deadRuns.RemoveAsync(time.GetUtcNow(), earlierRunsOfThisNode: true, cancellationToken).ConfigureAwait(false);
        _started.TrySetResult();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var cleanup = Task.CompletedTask;
        try
        {
            await _started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
            using var timer = new PeriodicTimer(HeartbeatInterval, time);
            var beats = 0;
            var healthyBeats = 0;
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                beats++;
                try
                {
                    await registry.HeartbeatAsync(node.RunId, node.NodeId, time.GetUtcNow(), stoppingToken).AsTask()
                        .WaitAsync(RegistryWrites.Deadline, time, stoppingToken).ConfigureAwait(false);
                    healthyBeats++;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    healthyBeats = 0;
                    health.ReportFailure("the run's heartbeat", ex);
                    continue;
                }

                // The pass runs beside the heartbeats, never between them: claiming a dead node's thousands of
                // connections and running their $disconnect may take longer than this run may go without a beat.
                if (beats % CleanupEvery == 0 && healthyBeats >= HealthyBeatsBeforeCleanup && cleanup.IsCompleted)
                {
                    cleanup = RemoveDeadRunsAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        await cleanup.ConfigureAwait(false);
    }

    private async Task RemoveDeadRunsAsync(CancellationToken stoppingToken)
    {
        try
        {
            await deadRuns.RemoveAsync(time.GetUtcNow(), earlierRunsOfThisNode: false, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            health.ReportFailure("removing dead runs' rows", ex);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (!_started.Task.IsCompleted)
        {
            return;
        }

        try
        {
            // The writes are made before the wait starts: when the host's stop time runs out first, the store still
            // commits them as it closes (the SQLite writer commits what is queued).
            var memberships = await groups.RemoveRunAsync(node.RunId, CancellationToken.None).AsTask()
                .WaitAsync(RegistryWrites.Deadline, time, cancellationToken).ConfigureAwait(false);
            var connections = await registry.RemoveRunAsync(node.RunId, CancellationToken.None).AsTask()
                .WaitAsync(RegistryWrites.Deadline, time, cancellationToken).ConfigureAwait(false);
            if (connections > 0 || memberships > 0)
            {
                LogRemovedAtStop(logger, connections, memberships);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogStopCleanupFailed(logger, ex, node.RunId);
        }
    }

    [LoggerMessage(EventId = 704, Level = LogLevel.Warning,
        Message = "Stopping: the rows of run {RunId} could not be removed; the next start of this node, or another node 15 s from now, removes them")]
    private static partial void LogStopCleanupFailed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(EventId = 705, Level = LogLevel.Debug,
        Message = "Stopping: removed {Connections} connections and {Memberships} group memberships whose connections' own clean-up had not finished")]
    private static partial void LogRemovedAtStop(ILogger logger, int connections, int memberships);
}
