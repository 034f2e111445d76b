using Microsoft.Extensions.Logging;
using Switchboard.Connections;
using Switchboard.Groups;

namespace Switchboard.Registry;

/// <summary>
/// Finds the runs that ended without cleaning up (a crash, a kill, a lost host) and removes their connection rows and
/// group memberships, whatever node id they ran under: a node id made of host name and port changes when either does,
/// so a crashed run is known by its heartbeat, not by its node. A run is dead when its last heartbeat is older than
/// <see cref="DeadAfter"/>, or when it has rows but never sent a heartbeat (rows written before runs sent them). The
/// current run is never dead. In a cluster, the connections a dead run held are claimed through the delivery seam
/// first, each by one node, and get their <c>$disconnect</c>.
/// </summary>
internal sealed partial class DeadRunCleanup(
    IConnectionRegistry registry,
    IGroupStore groups,
    Delivery.IMessageDelivery delivery,
    Delivery.OrphanDisconnects orphans,
    NodeIdentity node,
    ILogger<DeadRunCleanup> logger)
{
    /// <summary>
    /// Three missed heartbeats (<see cref="RunLiveness.HeartbeatInterval"/>): a live node is never that late, and with a
    /// pass every heartbeat a dead node's connections are gone within 20 s.
    /// </summary>
    public static readonly TimeSpan DeadAfter = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Removes the rows of every dead run as of <paramref name="now"/>. With <paramref name="earlierRunsOfThisNode"/> (at
    /// start) any other run of this node id is dead too, however fresh its heartbeat: it is the run this process replaces.
    /// </summary>
    public async Task<DeadRuns> RemoveAsync(DateTimeOffset now, bool earlierRunsOfThisNode, CancellationToken cancellationToken)
    {
        // Memberships' runs are read before the registry's: a run heartbeats before it writes any row, so a run seen
        // here already has its heartbeat when the registry is read, and a run that just started is never taken for dead.
        var membershipRuns = await groups.ListRunsAsync(cancellationToken).ConfigureAwait(false);
        var runs = await registry.ListRunsAsync(cancellationToken).ConfigureAwait(false);

        var cutoff = now - DeadAfter;
        var live = new HashSet<string>(StringComparer.Ordinal) { node.RunId };
        foreach (var run in runs)
        {
            var fresh = run.HeartbeatAt >= cutoff;
            var replaced = earlierRunsOfThisNode && run.NodeId == node.NodeId;
            if (fresh && (!replaced || await delivery.IsRunReachableAsync(run.RunId, cancellationToken).ConfigureAwait(false)))
            {
                // A replaced run that is still reachable is a live process given the same node id (a rolling restart
                // that overlaps, a copy-pasted --node-id): its connections are open, so they are left to it.
                if (replaced)
                {
                    LogSameNodeIdAlive(logger, run.RunId, node.NodeId);
                }

                live.Add(run.RunId);
            }
        }

        var dead = runs.Select(static r => r.RunId).Concat(membershipRuns).Where(id => !live.Contains(id)).Distinct(StringComparer.Ordinal).ToList();
        var removed = new DeadRuns(dead.Count, 0, 0, 0);
        foreach (var runId in dead)
        {
            // The sockets' connections first (each claimed by one node, so $disconnect runs once), then memberships:
            // the run stays listed by the registry until its own rows go, so a failure in between leaves it to be
            // found again by the next pass.
            var claimed = await delivery.ClaimOrphansAsync(runId, cancellationToken).ConfigureAwait(false);
            if (claimed.Count > 0)
            {
                await orphans.RunAsync(claimed, cancellationToken).ConfigureAwait(false);
                removed = removed with { Disconnected = removed.Disconnected + claimed.Count };
            }

            var memberships = await groups.RemoveRunAsync(runId, cancellationToken).ConfigureAwait(false);
            var connections = await registry.RemoveRunAsync(runId, cancellationToken).ConfigureAwait(false);
            removed = removed with { Connections = removed.Connections + connections, Memberships = removed.Memberships + memberships };
        }

        if (removed.Connections > 0 || removed.Memberships > 0 || removed.Disconnected > 0)
        {
            LogRemoved(logger, removed.Connections, removed.Memberships, removed.Disconnected, removed.Runs);
        }

        return removed;
    }

    [LoggerMessage(EventId = 706, Level = LogLevel.Warning,
        Message = "Run {RunId} of node id {NodeId} is still running: two processes share this node id; give each node its own --node-id")]
    private static partial void LogSameNodeIdAlive(ILogger logger, string runId, string nodeId);

    [LoggerMessage(EventId = 703, Level = LogLevel.Information,
        Message = "Removed {Connections} connections and {Memberships} group memberships, and ran $disconnect for {Disconnected} connections, that {Runs} runs left when they ended without cleaning up (no heartbeat for 15 s, or an earlier run of this node)")]
    private static partial void LogRemoved(ILogger logger, int connections, int memberships, int disconnected, int runs);
}

/// <summary>What one pass of <see cref="DeadRunCleanup"/> removed.</summary>
internal readonly record struct DeadRuns(int Runs, int Connections, int Memberships, int Disconnected);
