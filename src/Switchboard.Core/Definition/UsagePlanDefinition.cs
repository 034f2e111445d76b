namespace Switchboard.Definition;

/// <summary>A usage plan, as in API Gateway: a throttle and a quota per API key.</summary>
public sealed record UsagePlanDefinition
{
    /// <summary>Name of the plan. Required; unique.</summary>
    public string Name { get; init; } = "";

    /// <summary>Token-bucket throttle per key. Optional; default unthrottled.</summary>
    public ThrottleDefinition? Throttle { get; init; }

    /// <summary>Request quota per key and period. Optional; default unlimited.</summary>
    public QuotaDefinition? Quota { get; init; }
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
