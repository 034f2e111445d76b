using Switchboard.Connections;

namespace Switchboard.Authorizers;

/// <summary>
/// Decides, before <c>$connect</c> runs, whether a handshake may open a connection (a WebSocket API's
/// <c>authorizer</c>). A refused handshake never becomes a connection: no <c>$connect</c>, no registry row.
/// </summary>
internal interface IConnectAuthorizer
{
    ValueTask<AuthorizerDecision> AuthorizeAsync(AuthorizerRequest request, CancellationToken cancellationToken);
}

/// <summary>The handshake being authorized and the connection it would become (its id is already allocated, as in API Gateway).</summary>
internal sealed record AuthorizerRequest(ConnectContext Handshake, WebSocketConnection Connection, IReadOnlyDictionary<string, string> StageVariables);
