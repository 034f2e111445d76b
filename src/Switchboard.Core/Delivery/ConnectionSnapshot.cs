using Switchboard.Authorizers;
using Switchboard.Connections;

namespace Switchboard.Delivery;

/// <summary>
/// A connection as any node can describe it: what the management API's GET shows, and what a <c>$disconnect</c> event
/// needs when the node that held the socket died. Plain values, so it crosses the backplane.
/// </summary>
public sealed record ConnectionSnapshot(
    string ConnectionId,
    string Api,
    string Stage,
    DateTimeOffset ConnectedAt,
    DateTimeOffset LastActiveAt,
    string SourceIp,
    string? UserAgent,
    string DomainName,
    ConnectionIdentity? Identity)
{
    public static ConnectionSnapshot Of(WebSocketConnection connection) => new(
        connection.Id,
        connection.Api,
        connection.Stage,
        connection.ConnectedAt,
        connection.LastActiveAt,
        connection.SourceIp,
        connection.UserAgent,
        connection.DomainName,
        connection.Identity is { } identity ? identity with { ApiKey = null } : null);
}
