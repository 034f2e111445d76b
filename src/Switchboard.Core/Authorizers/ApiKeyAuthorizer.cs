using Switchboard.Auth;

namespace Switchboard.Authorizers;

/// <summary>
/// <c>apiKey</c>: the handshake must carry a valid API key (made with <c>switchboard keys create</c>) in a header
/// (default <c>x-api-key</c>, as API Gateway's <c>apiKeyRequired</c>) or, for browsers, which cannot set headers on a
/// WebSocket handshake, in a named query parameter. Missing or unknown: 403 Forbidden, as API Gateway answers. The
/// key's name is the connection's principal, and its usage plan throttles and counts the connection's messages
/// (<c>Routing/MessageRouter</c>). Keys are read from the store on every handshake: a revoked key fails at once.
/// </summary>
internal sealed class ApiKeyAuthorizer(IApiKeyStore keys, string header, string? queryParameter) : IConnectAuthorizer
{
    public async ValueTask<AuthorizerDecision> AuthorizeAsync(AuthorizerRequest request, CancellationToken cancellationToken)
    {
        var handshake = request.Handshake;
        var value = handshake.Header(header);
        if (string.IsNullOrEmpty(value) && queryParameter is not null)
        {
            value = handshake.Query.LastOrDefault(q => string.Equals(q.Key, queryParameter, StringComparison.Ordinal)).Value;
        }

        if (string.IsNullOrEmpty(value))
        {
            return AuthorizerDecision.Forbidden;
        }

        var key = await keys.FindByValueAsync(value, cancellationToken).ConfigureAwait(false);
        return key is null
            ? AuthorizerDecision.Forbidden
            : AuthorizerDecision.Allow(new ConnectionIdentity(key.Name, []) { ApiKey = key });
    }
}
