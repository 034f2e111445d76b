namespace Switchboard.Definition;

public static partial class DefinitionValidator
{
    private static void ValidateUsagePlans(GatewayDefinition definition, DefinitionErrors errors)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < definition.UsagePlans.Count; i++)
        {
            var plan = definition.UsagePlans[i];
            var path = JsonPath.Index("$.usagePlans", i);
            ValidateName(plan.Name, path, names, errors);

            if (plan.Throttle is { } throttle)
            {
                var throttlePath = JsonPath.Property(path, "throttle");
                if (!(throttle.RateLimit > 0))
                {
                    errors.Add(JsonPath.Property(throttlePath, "rateLimit"), $"must be greater than 0; got {throttle.RateLimit}");
                }

                AtLeast(throttle.BurstLimit, 1, JsonPath.Property(throttlePath, "burstLimit"), errors);
            }

            if (plan.Quota is { } quota)
            {
                var quotaPath = JsonPath.Property(path, "quota");
                AtLeast(quota.Limit, 1, JsonPath.Property(quotaPath, "limit"), errors);
                if (quota.Offset < 0 || (quota.Limit >= 1 && quota.Offset >= quota.Limit))
                {
                    errors.Add(JsonPath.Property(quotaPath, "offset"), $"must be at least 0 and less than limit ({quota.Limit}); got {quota.Offset}");
                }

                ValidateChoice(quota.Period, required: true, "period", DefinitionValues.QuotaPeriods, JsonPath.Property(quotaPath, "period"), errors);
            }
        }

        if (definition.DefaultUsagePlan is { } defaultPlan && !names.ContainsKey(defaultPlan))
        {
            var known = names.Count > 0 ? $"expected one of {OneOf(names.Keys)}"
                : definition.UsagePlans.Count == 0 ? "no usage plans are defined"
                : "no usage plan has a name";
            errors.Add("$.defaultUsagePlan", $"unknown usage plan '{defaultPlan}'; {known}");
        }
    }

    private static void ValidateLimits(LimitsDefinition limits, DefinitionErrors errors)
    {
        const string path = "$.limits";
        AtLeast(limits.MaxMessageBytes, 1, JsonPath.Property(path, "maxMessageBytes"), errors);
        AtLeast(limits.IdleTimeoutSeconds, 1, JsonPath.Property(path, "idleTimeoutSeconds"), errors);
        AtLeast(limits.MaxConnectionLifetimeSeconds, 1, JsonPath.Property(path, "maxConnectionLifetimeSeconds"), errors);
        if (limits.KeepAliveIntervalSeconds < 0)
        {
            errors.Add(JsonPath.Property(path, "keepAliveIntervalSeconds"), $"must be at least 0 (0 turns pings off); got {limits.KeepAliveIntervalSeconds}");
        }

        AtLeast(limits.OutboundQueueMessages, 1, JsonPath.Property(path, "outboundQueueMessages"), errors);
        AtLeast(limits.InboundQueueMessages, 1, JsonPath.Property(path, "inboundQueueMessages"), errors);
        if (AtLeast(limits.OutboundQueueBytes, 1, JsonPath.Property(path, "outboundQueueBytes"), errors)
            && limits.MaxMessageBytes >= 1
            && limits.OutboundQueueBytes < limits.MaxMessageBytes)
        {
            errors.Add(
                JsonPath.Property(path, "outboundQueueBytes"),
                $"must be at least maxMessageBytes ({limits.MaxMessageBytes}), so that a message of the largest size can be queued; got {limits.OutboundQueueBytes}");
        }

        AtLeast(limits.MessageAssemblySeconds, 1, JsonPath.Property(path, "messageAssemblySeconds"), errors);
        AtLeast(limits.MaxMessageFragments, 1, JsonPath.Property(path, "maxMessageFragments"), errors);
        if (limits.MaxMessageBytes >= 1 && limits.MessageAssemblyBudgetBytes < limits.MaxMessageBytes)
        {
            errors.Add(
                JsonPath.Property(path, "messageAssemblyBudgetBytes"),
                $"must be at least maxMessageBytes ({limits.MaxMessageBytes}), so that a message of the largest size can arrive; got {limits.MessageAssemblyBudgetBytes}");
        }

        AtLeast(limits.HandshakeTimeoutSeconds, 1, JsonPath.Property(path, "handshakeTimeoutSeconds"), errors);
        AtLeast(limits.MaxConnections, 1, JsonPath.Property(path, "maxConnections"), errors);
        AtLeast(limits.MaxConnectionsPerIp, 1, JsonPath.Property(path, "maxConnectionsPerIp"), errors);
        for (var i = 0; i < limits.TrustedProxies.Count; i++)
        {
            if (!Connections.TrustedProxies.TryParseEntry(limits.TrustedProxies[i], out _))
            {
                errors.Add(
                    JsonPath.Index(JsonPath.Property(path, "trustedProxies"), i),
                    $"'{limits.TrustedProxies[i]}' is not an IP address or network; expected e.g. 10.0.0.5, 10.0.0.0/8 or fd00::/8");
            }
        }

        ValidateChoice(limits.BinaryFrames, required: true, "binaryFrames", DefinitionValues.BinaryFrames, JsonPath.Property(path, "binaryFrames"), errors);

        if (limits.ShutdownDrainSeconds is < 0 or > 25)
        {
            errors.Add(JsonPath.Property(path, "shutdownDrainSeconds"), $"must be from 0 to 25; got {limits.ShutdownDrainSeconds}");
        }
    }

    /// <summary>Whether <paramref name="value"/> is at least <paramref name="minimum"/>; reports it when not.</summary>
    private static bool AtLeast(int value, int minimum, string path, DefinitionErrors errors)
    {
        if (value >= minimum)
        {
            return true;
        }

        errors.Add(path, $"must be at least {minimum}; got {value}");
        return false;
    }
}
