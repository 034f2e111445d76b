namespace Switchboard.Integrations;

/// <summary>How an integration call ended, in API Gateway's terms.</summary>
public enum RouteOutcome
{
    /// <summary>The integration answered; <see cref="RouteResult.StatusCode"/> is its status.</summary>
    Completed,

    /// <summary>The integration failed (threw, refused the connection, answered garbage): <c>Internal server error</c>, or 502 on <c>$connect</c>.</summary>
    Failed,

    /// <summary>No answer within the timeout: <c>Endpoint request timed out</c>, or 504 on <c>$connect</c>.</summary>
    TimedOut,

    /// <summary>
    /// The gateway's own store refused the write or missed its deadline (<c>registry.save</c>): 503 on <c>$connect</c>,
    /// so a client retries later, as it would while the store refuses before <c>$connect</c> runs.
    /// </summary>
    Unavailable,
}

/// <summary>
/// What a route's integration answered. On <c>$connect</c> a status outside 2xx refuses the handshake with that status
/// and the headers of a 2xx answer go on the 101; on a two-way route (<c>routeResponseSelectionExpression: $default</c>)
/// a non-empty <see cref="Body"/> goes back to the sender.
/// </summary>
public readonly record struct RouteResult(
    RouteOutcome Outcome,
    int StatusCode,
    string? Body = null,
    IReadOnlyList<KeyValuePair<string, string>>? Headers = null)
{
    /// <summary>Done, nothing to answer.</summary>
    public static RouteResult Ok { get; } = new(RouteOutcome.Completed, 200);

    public static RouteResult Failed { get; } = new(RouteOutcome.Failed, 502);

    public static RouteResult TimedOut { get; } = new(RouteOutcome.TimedOut, 504);

    public static RouteResult Unavailable { get; } = new(RouteOutcome.Unavailable, 503);

    public bool IsSuccessStatus => Outcome == RouteOutcome.Completed && StatusCode is >= 200 and <= 299;
}
