namespace Switchboard.Definition;

/// <summary>
/// A usage plan, as in API Gateway: a throttle and a quota for each API key on it. It applies to methods with
/// <c>apiKeyRequired</c> in every REST API and stage; a key's throttle and quota are shared by all of them.
/// </summary>
public sealed record UsagePlanDefinition
{
    /// <summary>Name of the plan. Required; unique.</summary>
    public string Name { get; init; } = "";

    /// <summary>Token-bucket throttle per key. Optional; default unthrottled.</summary>
    public ThrottleDefinition? Throttle { get; init; }

    /// <summary>Request quota per key and period. Optional; default unlimited.</summary>
    public QuotaDefinition? Quota { get; init; }

    /// <summary>
    /// Throttles for single methods, keyed <c>RESOURCE_PATH/VERB</c> as API Gateway keys a usage plan's method throttles
    /// (<c>/receiver/GET</c>, <c>/items/{id}/POST</c>; <c>//GET</c> for the root resource). A key calling such a method is
    /// throttled by it instead of <see cref="Throttle"/>, in a bucket of its own for each API and stage. The method must
    /// exist with <c>apiKeyRequired</c> in some REST API. Optional; default none.
    /// </summary>
    public IReadOnlyDictionary<string, ThrottleDefinition> MethodThrottles { get; init; } = new Dictionary<string, ThrottleDefinition>();
}

/// <summary>A token bucket: <see cref="RateLimit"/> tokens a second, at most <see cref="BurstLimit"/> held.</summary>
public sealed record ThrottleDefinition
{
    /// <summary>Steady requests per second. Required; greater than 0.</summary>
    public double RateLimit { get; init; }

    /// <summary>Bucket capacity. Required; at least 1.</summary>
    public int BurstLimit { get; init; }
}

/// <summary>A request quota per period (UTC calendar day, ISO week starting Monday, calendar month).</summary>
public sealed record QuotaDefinition
{
    /// <summary>Requests allowed per period. Required; at least 1.</summary>
    public int Limit { get; init; }

    /// <summary>Requests subtracted from the limit in the first period. Optional; default 0; less than <see cref="Limit"/>.</summary>
    public int Offset { get; init; }

    /// <summary><c>DAY</c>, <c>WEEK</c> or <c>MONTH</c>. Required.</summary>
    public string Period { get; init; } = "";
}
