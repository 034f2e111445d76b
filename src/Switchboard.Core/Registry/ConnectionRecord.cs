namespace Switchboard.Registry;

/// <summary>
/// What the registry keeps of one connection: what API Gateway's GetConnection shows, plus where the socket lives.
/// </summary>
/// <param name="ConnectionId">16 characters of <c>[A-Za-z0-9_-]</c>, unique and never reused.</param>
/// <param name="Api">Name of the WebSocket API.</param>
/// <param name="Stage">Stage name.</param>
/// <param name="ConnectedAt">When the handshake completed (UTC, millisecond precision).</param>
/// <param name="LastActiveAt">When the client last sent a message (UTC, millisecond precision); flushed to the store periodically.</param>
/// <param name="SourceIp">The client's address.</param>
/// <param name="UserAgent">The handshake's User-Agent header, or null when none was sent.</param>
/// <param name="NodeId">The node that holds the socket.</param>
/// <param name="RunId">The run of that node (random per process start), so a restarted node can tell its old rows from its live ones.</param>
/// <param name="PrincipalId">Who the API's <c>$connect</c> authorizer admitted; null when the API has no authorizer.</param>
public sealed record ConnectionRecord(
    string ConnectionId,
    string Api,
    string Stage,
    DateTimeOffset ConnectedAt,
    DateTimeOffset LastActiveAt,
    string SourceIp,
    string? UserAgent,
    string NodeId,
    string RunId,
    string? PrincipalId = null);

/// <summary>Filters for <see cref="IConnectionRegistry.ListAsync"/>; a null field matches everything.</summary>
public sealed record ConnectionQuery(string? Api = null, string? Stage = null, string? NodeId = null);

/// <summary>A newer <c>lastActiveAt</c> for one connection.</summary>
public readonly record struct LastActiveUpdate(string ConnectionId, DateTimeOffset LastActiveAt);
