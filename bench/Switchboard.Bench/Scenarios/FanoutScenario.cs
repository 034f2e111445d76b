using Switchboard.Bench.Cli;
using Switchboard.Bench.Metrics;
using Switchboard.Bench.Payload;
using Switchboard.Bench.Results;

namespace Switchboard.Bench.Scenarios;

/// <summary>
/// <c>fanout</c>: N subscribers, P publishers sending the protocol's broadcast message. Reports deliveries per second in
/// the measured interval, end-to-end latency from the timestamp in each message, and expected against delivered.
/// </summary>
internal static class FanoutScenario
{
    public static async Task<RunResult> RunAsync(BenchContext context, ScenarioSettings settings)
    {
        var result = context.NewResult("fanout");
        AddParameters(result, settings);
        if (settings.Publishers > BenchPayload.MaxPublishers)
        {
            return result.Fail($"--publishers {settings.Publishers}: at most {BenchPayload.MaxPublishers}");
        }

        var outcome = await FanoutRun.RunAsync(context, settings, withStalledClient: false, $"fanout rate {settings.RateText}");
        result.Failures.AddRange(outcome.Problems(settings.Connections, ordered: !context.Options.Unordered));
        if (outcome.MeasuredSeconds <= 0)
        {
            return result;
        }

        result.Metric("deliveredPerSec", outcome.DeliveredPerSecond, "msgs/s")
            .Metric("publishesPerSec", outcome.PublishedPerSecond, "msgs/s")
            .Metric("expected", outcome.Expected, "msgs")
            .Metric("delivered", outcome.Delivered, "msgs")
            .Metric("lost", outcome.Lost, "msgs")
            .Metric("outOfOrder", outcome.OutOfOrder, "msgs");
        AddLatency(result, "latency", outcome.Latency);
        AddServerCpu(result, outcome.Cpu);
        result.Metric("generatorBytesAllocatedPerDelivery", outcome.AllocatedPerDelivery, "bytes");
        result.GeneratorCpuPercent = outcome.Cpu.Generator;
        result.Headline = $"{outcome.DeliveredPerSecond:N0} deliveries/s, p50 {outcome.Latency.PercentileMs(0.5):0.00} ms, "
            + $"p99 {outcome.Latency.PercentileMs(0.99):0.00} ms, p99.9 {outcome.Latency.PercentileMs(0.999):0.00} ms, lost {outcome.Lost:N0}";
        return result;
    }

    public static void AddParameters(RunResult result, ScenarioSettings settings)
    {
        result.Parameter("subscribers", settings.Connections)
            .Parameter("publishers", settings.Publishers)
            .Parameter("size", settings.Size)
            .Parameter("rate", settings.IsMaxRate ? "max" : settings.Rate);
        if (settings.IsMaxRate)
        {
            result.Parameter("window", settings.Window);
        }

        result.Parameter("duration", settings.Duration).Parameter("warmup", settings.Warmup);
    }

    public static void AddLatency(RunResult result, string prefix, LatencyHistogram latency)
    {
        result.Metric($"{prefix}P50Ms", latency.PercentileMs(0.5), "ms")
            .Metric($"{prefix}P99Ms", latency.PercentileMs(0.99), "ms")
            .Metric($"{prefix}P999Ms", latency.PercentileMs(0.999), "ms")
            .Metric($"{prefix}MaxMs", latency.MaxMs, "ms")
            .Metric($"{prefix}MeanMs", latency.MeanMs, "ms");
    }

    public static void AddServerCpu(RunResult result, CpuReading cpu, string name = "serverCpuPercent")
    {
        if (cpu.Server is { } server)
        {
            result.Metric(name, server, "% of one core");
        }

        if (cpu.Stack is { } stack)
        {
            result.Metric("stackCpuPercent", stack, "% of one core");
        }
    }
}
