namespace Switchboard.Definition;

public static partial class DefinitionValidator
{
    private static void ValidateUsagePlans(GatewayDefinition definition, DefinitionErrors errors)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var keyedMethods = KeyRequiredMethods(definition);
        for (var i = 0; i < definition.UsagePlans.Count; i++)
        {
            var plan = definition.UsagePlans[i];
            var path = JsonPath.Index("$.usagePlans", i);
            ValidateName(plan.Name, path, names, errors);

            if (plan.Throttle is { } throttle)
            {
                ValidateThrottle(throttle, JsonPath.Property(path, "throttle"), errors);
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

            foreach (var (method, methodThrottle) in plan.MethodThrottles)
            {
                var methodPath = JsonPath.Property(JsonPath.Property(path, "methodThrottles"), method);
                if (!keyedMethods.Contains(method))
                {
                    var expected = keyedMethods.Count == 0 ? "no REST method requires an API key" : $"expected one of {OneOf(keyedMethods)}";
                    errors.Add(methodPath, $"'{method}' is not a REST method with apiKeyRequired (RESOURCE_PATH/VERB, //VERB for the root resource); {expected}");
                }

                ValidateThrottle(methodThrottle, methodPath, errors);
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

    /// <summary>Stage throttles: checked on REST stages, refused on WebSocket stages, whose messages nothing throttles.</summary>
    private static void ValidateStageThrottles(GatewayDefinition definition, DefinitionErrors errors)
    {
        for (var i = 0; i < definition.WebSocketApis.Count; i++)
        {
            foreach (var (name, stage) in definition.WebSocketApis[i].Stages)
            {
                if (stage.Throttle is not null)
                {
                    var path = JsonPath.Property(JsonPath.Property(JsonPath.Property(JsonPath.Index(WebSocketApisPath, i), "stages"), name), "throttle");
                    errors.Add(path, "a throttle applies to REST API stages only; WebSocket messages are not throttled");
                }
            }
        }

        for (var i = 0; i < definition.RestApis.Count; i++)
        {
            foreach (var (name, stage) in definition.RestApis[i].Stages)
            {
                if (stage.Throttle is { } throttle)
                {
                    ValidateThrottle(throttle, JsonPath.Property(JsonPath.Property(JsonPath.Property(JsonPath.Index(RestApisPath, i), "stages"), name), "throttle"), errors);
                }
            }
        }
    }

    private static void ValidateThrottle(ThrottleDefinition throttle, string path, DefinitionErrors errors)
    {
        if (!(throttle.RateLimit > 0))
        {
            errors.Add(JsonPath.Property(path, "rateLimit"), $"must be greater than 0; got {throttle.RateLimit}");
        }

        AtLeast(throttle.BurstLimit, 1, JsonPath.Property(path, "burstLimit"), errors);
    }

    /// <summary>Every method with <c>apiKeyRequired</c> in any REST API, as <c>RESOURCE_PATH/VERB</c>, in file order.</summary>
    private static IReadOnlyCollection<string> KeyRequiredMethods(GatewayDefinition definition)
    {
        var methods = new List<string>();
        foreach (var api in definition.RestApis)
        {
            foreach (var (resourcePath, resource) in api.Resources)
            {
                foreach (var (verb, method) in resource.Methods)
                {
                    var key = MethodThrottleKey.Format(resourcePath, verb);
                    if (method.ApiKeyRequired && !methods.Contains(key, StringComparer.Ordinal))
                    {
                        methods.Add(key);
                    }
                }
            }
        }

        return methods;
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
