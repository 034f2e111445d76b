using Switchboard.Access;
using Switchboard.Integrations;
using Switchboard.Integrations.Backend;

namespace Switchboard.Authorizers;

/// <summary>
/// A <c>lambda</c> or <c>http</c> REQUEST authorizer, called as API Gateway calls one: identity sources first (a missing
/// or empty one is 401 without a call), then the function with <see cref="AuthorizerEvent"/>, whose answer
/// (<see cref="AuthorizerOutput"/>) admits, refuses with 403, or says <c>Unauthorized</c> (401). A failing or slow
/// authorizer refuses with 500. Answers may be reused for the same identity values for <c>resultTtlSeconds</c>.
/// </summary>
internal sealed class RequestAuthorizer(
    BackendInvoker invoker,
    string apiName,
    IReadOnlyList<(bool IsHeader, string Name)> identitySources,
    AuthorizerCache? cache,
    TimeProvider time) : IConnectAuthorizer
{
    private readonly string _apiId = Routing.ApiIds.For(apiName);

    public async ValueTask<AuthorizerDecision> AuthorizeAsync(AuthorizerRequest request, CancellationToken cancellationToken)
    {
        var identity = IdentitySources.Values(identitySources, request.Handshake);
        if (identity is null)
        {
            return AuthorizerDecision.Unauthorized;
        }

        // The ARN of the route: region and account are the gateway's (it has no AWS account), as in management ARNs.
        var methodArn = $"arn:aws:execute-api:local:{AccessPolicy.AccountId}:{_apiId}/{request.Connection.Stage}/$connect";
        var cacheKey = cache is null ? null : $"{request.Connection.Stage}\n{string.Join('\n', identity)}";
        if (cacheKey is not null && cache!.TryGet(cacheKey, out var cached))
        {
            return cached;
        }

        var requestId = Connections.ConnectionIds.New();
        var payload = AuthorizerEvent.Write(request, _apiId, methodArn, requestId, time.GetUtcNow());
        var answer = await invoker.InvokeAsync(payload, requestId, cancellationToken).ConfigureAwait(false);
        var decision = answer switch
        {
            { Outcome: RouteOutcome.Completed } => AuthorizerOutput.Read(answer.Body!, methodArn),
            { IsFunctionError: true } when AuthorizerOutput.IsUnauthorizedError(answer.Body) => AuthorizerDecision.Unauthorized,
            { Status: 401 } => AuthorizerDecision.Unauthorized,
            { Status: 403 } => AuthorizerDecision.Forbidden,
            _ => AuthorizerDecision.Failed,
        };

        // Failures are not cached: the next handshake tries again.
        if (cacheKey is not null && decision != AuthorizerDecision.Failed)
        {
            cache!.Add(cacheKey, decision);
        }

        return decision;
    }
}
