namespace Switchboard.Registry;

/// <summary>
/// One run of a node (a process start) as the registry knows it: from its heartbeats, or only from the rows it wrote.
/// </summary>
/// <param name="RunId">The run id the rows carry.</param>
/// <param name="NodeId">The node the run belongs to; null when the run is known only from its rows.</param>
/// <param name="HeartbeatAt">
/// The run's latest heartbeat (UTC, millisecond precision); null when it never sent one (rows written before runs
/// sent heartbeats), which makes it dead.
/// </param>
public sealed record RunRecord(string RunId, string? NodeId, DateTimeOffset? HeartbeatAt);
