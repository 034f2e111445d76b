namespace Switchboard.Authorizers;

/// <summary>
/// Who a connection's <c>$connect</c> authorizer said the client is: the principal and the authorizer's context
/// values (strings, as API Gateway passes them on). It stays with the connection: every later event carries it in
/// <c>requestContext.authorizer</c>, and the management API's GET shows it.
/// </summary>
public sealed record ConnectionIdentity(string PrincipalId, IReadOnlyList<KeyValuePair<string, string>> Context)
{
    /// <summary>
    /// The API key an <c>apiKey</c> authorizer admitted the client with (null for other types): its usage plan throttles
    /// and counts the connection's messages. Read once, at connect time, as authorization is.
    /// </summary>
    public Auth.ApiKeyRecord? ApiKey { get; init; }
}
