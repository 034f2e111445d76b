using Microsoft.AspNetCore.Http;
using Switchboard.Operations;

namespace Switchboard.RateLimiting;

/// <summary>What the usage-plan checks decided about a request.</summary>
internal enum UsageVerdict
{
    Allowed,

    /// <summary>A throttle's bucket was empty (the key's, its method's or the stage's).</summary>
    Throttled,

    /// <summary>The key's quota for the current period is used up.</summary>
    QuotaExceeded,

    /// <summary>The key names a plan the definition does not have.</summary>
    UnknownPlan,
}

/// <summary>API Gateway's answers to refused requests: its gateway responses THROTTLED, QUOTA_EXCEEDED and INVALID_API_KEY.</summary>
internal static class UsageAnswers
{
    public const string TooManyRequests = "{\"message\":\"Too Many Requests\"}";
    public const string LimitExceeded = "{\"message\":\"Limit Exceeded\"}";

    /// <summary>Writes the refusal. Neither 429 carries <c>Retry-After</c>: API Gateway sends none.</summary>
    public static Task WriteAsync(HttpContext http, UsageVerdict verdict) => verdict switch
    {
        UsageVerdict.Throttled => HttpAnswers.JsonAsync(http, StatusCodes.Status429TooManyRequests, TooManyRequests, "TooManyRequestsException"),
        UsageVerdict.QuotaExceeded => HttpAnswers.JsonAsync(http, StatusCodes.Status429TooManyRequests, LimitExceeded, "LimitExceededException"),
        UsageVerdict.UnknownPlan => HttpAnswers.JsonAsync(http, StatusCodes.Status403Forbidden, JsonMessages.Forbidden, "ForbiddenException"),
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "not a refusal"),
    };
}
