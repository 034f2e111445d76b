namespace Switchboard.Authorizers;

/// <summary>
/// An authorizer's answer for one handshake: admitted with an identity, or refused with API Gateway's status and
/// message (401 Unauthorized: no or bad credentials; 403 Forbidden: a policy that denies; 500: the authorizer itself
/// failed, which API Gateway answers as an authorizer configuration error).
/// </summary>
public sealed record AuthorizerDecision(ConnectionIdentity? Identity, int Status, string Message)
{
    public bool IsAllowed => Identity is not null;

    public static AuthorizerDecision Allow(ConnectionIdentity identity) => new(identity, 200, "");

    public static AuthorizerDecision Unauthorized { get; } = new(null, 401, "Unauthorized");

    public static AuthorizerDecision Forbidden { get; } = new(null, 403, "Forbidden");

    /// <summary>The authorizer could not decide (it failed, timed out or answered something unusable).</summary>
    public static AuthorizerDecision Failed { get; } = new(null, 500, "Internal Server Error");
}
