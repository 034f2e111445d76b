using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Switchboard.Auth;
using Switchboard.Operations;

namespace Switchboard.RateLimiting;

/// <summary>
/// The usage-plan checks of a REST request, in order: the stage's throttle (before the key is looked up, so a flood
/// of bad keys is throttled before it reaches the store), then for a method with <c>apiKeyRequired</c> the key's
/// throttle (its plan's method throttle, else its plan's) and its quota. A request the key's own throttle refuses
/// gives its stage token back, so a key over its limit cannot use up the stage for everyone else. Throttled requests
/// are not counted against the quota; a request the quota refuses is not forwarded.
/// </summary>
internal sealed partial class UsagePlanGate(
    ThrottleBuckets buckets,
    IUsageCounter usage,
    TimeProvider time,
    GatewayMetrics metrics,
    ILogger<UsagePlanGate> logger)
{
    // Plan names come from the key store, which only the operator writes: one warning each is a small set.
    private readonly ConcurrentDictionary<string, bool> _unknownPlansLogged = new(StringComparer.Ordinal);

    /// <summary>Takes a token of the stage's bucket; false when the stage is throttled.</summary>
    public bool TryEnterStage(ThrottleLimit? stageThrottle, string api, string stage)
    {
        if (stageThrottle is null || buckets.TryTake(new BucketKey(stageThrottle)))
        {
            return true;
        }

        metrics.RestThrottled();
        LogStageThrottled(logger, api, stage, stageThrottle.RateLimit, stageThrottle.BurstLimit);
        return false;
    }

    /// <summary>The key's throttle, then its quota. <paramref name="resource"/> is the resource path as declared (<c>/items/{id}</c>).</summary>
    public async ValueTask<UsageVerdict> CheckKeyAsync(
        UsagePlanSet plans,
        ApiKeyRecord key,
        ThrottleLimit? stageThrottle,
        string api,
        string stage,
        string resource,
        string verb,
        CancellationToken cancellationToken)
    {
        if (key.Plan is null)
        {
            return UsageVerdict.Allowed;
        }

        if (plans.Find(key.Plan) is not { } plan)
        {
            if (_unknownPlansLogged.TryAdd(key.Plan, true))
            {
                LogUnknownPlan(logger, key.Name, key.Plan);
            }

            return UsageVerdict.UnknownPlan;
        }

        // A method throttle has a bucket per API and stage; the plan's throttle one per key, over all of them.
        var bucket = plan.MethodThrottle(resource, verb) is { } methodThrottle ? new BucketKey(methodThrottle, key.Name, api, stage)
            : plan.Throttle is { } throttle ? new BucketKey(throttle, key.Name)
            : default;
        if (bucket.Limit is not null && !buckets.TryTake(bucket))
        {
            if (stageThrottle is not null)
            {
                buckets.Return(new BucketKey(stageThrottle));
            }

            metrics.RestThrottled();
            LogKeyThrottled(logger, key.Name, plan.Name, api, stage, verb, resource, bucket.Limit.RateLimit, bucket.Limit.BurstLimit);
            return UsageVerdict.Throttled;
        }

        if (plan.Quota is { } quota)
        {
            var window = quota.WindowFor(key, time.GetUtcNow());
            var take = await usage.TryTakeAsync(window.Counter, window.Allowed, window.End, cancellationToken).ConfigureAwait(false);
            if (!take.Taken)
            {
                metrics.RestQuotaExceeded();
                LogQuotaExceeded(logger, key.Name, plan.Name, window.Allowed, QuotaPeriods.Name(quota.Period));
                return UsageVerdict.QuotaExceeded;
            }
        }

        return UsageVerdict.Allowed;
    }

    // The wording follows API Gateway's execution log lines; the key is named, never shown.
    [LoggerMessage(EventId = 310, Level = LogLevel.Debug,
        Message = "API key {KeyName} exceeded the throttle of usage plan {Plan} on {Api}/{Stage} {Verb} {Resource}. Limit: {RateLimit} Burst: {BurstLimit}")]
    private static partial void LogKeyThrottled(ILogger logger, string keyName, string plan, string api, string stage, string verb, string resource, double rateLimit, int burstLimit);

    [LoggerMessage(EventId = 311, Level = LogLevel.Debug, Message = "Stage {Api}/{Stage} exceeded its throttle. Limit: {RateLimit} Burst: {BurstLimit}")]
    private static partial void LogStageThrottled(ILogger logger, string api, string stage, double rateLimit, int burstLimit);

    [LoggerMessage(EventId = 312, Level = LogLevel.Debug, Message = "API key {KeyName} exhausted the quota of usage plan {Plan}. Q Limit: {Limit} Period: {Period}")]
    private static partial void LogQuotaExceeded(ILogger logger, string keyName, string plan, int limit, string period);

    [LoggerMessage(EventId = 313, Level = LogLevel.Warning,
        Message = "API key {KeyName} is on usage plan {Plan}, which the definition does not have: its requests get 403. Create keys with --config naming the definition the server runs (logged once per plan)")]
    private static partial void LogUnknownPlan(ILogger logger, string keyName, string plan);
}
