using System.Globalization;
using Switchboard.Bench.Cli;
using Switchboard.Bench.Metrics;
using Switchboard.Bench.Results;

namespace Switchboard.Bench.Scenarios;

/// <summary>
/// <c>slow</c>: the fan-out at a fixed rate twice, first as the baseline, then with one more subscriber that never
/// reads its socket. Reports the others' delivered rate and latency in both, the change in percent, what the server did
/// with the stalled client (read at the end), and the server's resident memory sampled every half second.
/// </summary>
internal static class SlowScenario
{
    private const double MiB = 1024 * 1024;

    public static async Task<RunResult> RunAsync(BenchContext context, ScenarioSettings settings)
    {
        var result = context.NewResult("slow");
        FanoutScenario.AddParameters(result, settings);
        var pid = context.Options.ServerPid;

        var (baseline, baselineRss) = await PhaseAsync(context, settings, pid, stalled: false, "slow: baseline");
        result.Failures.AddRange(baseline.Problems(settings.Connections).Select(p => $"baseline: {p}"));
        var (stalled, stalledRss) = await PhaseAsync(context, settings, pid, stalled: true, "slow: one client stalled");
        result.Failures.AddRange(stalled.Problems(settings.Connections).Select(p => $"with the stalled client: {p}"));
        if (baseline.MeasuredSeconds <= 0 || stalled.MeasuredSeconds <= 0)
        {
            return result;
        }

        var change = (stalled.DeliveredPerSecond - baseline.DeliveredPerSecond) / baseline.DeliveredPerSecond * 100;
        result.Metric("baselineDeliveredPerSec", baseline.DeliveredPerSecond, "msgs/s")
            .Metric("stalledDeliveredPerSec", stalled.DeliveredPerSecond, "msgs/s")
            .Metric("rateChangePercent", change, "%")
            .Metric("baselineLost", baseline.Lost, "msgs")
            .Metric("stalledLost", stalled.Lost, "msgs");
        FanoutScenario.AddLatency(result, "baselineLatency", baseline.Latency);
        FanoutScenario.AddLatency(result, "stalledLatency", stalled.Latency);
        FanoutScenario.AddServerCpu(result, baseline.Cpu, "baselineServerCpuPercent");
        FanoutScenario.AddServerCpu(result, stalled.Cpu, "stalledServerCpuPercent");
        if (baselineRss is not null && stalledRss is not null)
        {
            result.Metric("baselineServerRssMaxMiB", baselineRss.Value.Max / MiB, "MiB")
                .Metric("stalledServerRssMaxMiB", stalledRss.Value.Max / MiB, "MiB")
                .Metric("stalledServerRssGrowthMiB", (stalledRss.Value.Max - stalledRss.Value.First) / MiB, "MiB");
        }
        else
        {
            result.Notes.Add("no --server-pid: server memory not sampled");
        }

        var client = stalled.Stalled!;
        result.Metric("stalledClientClosed", client.CloseReceived ? 1 : 0, "(1 = the server closed it)")
            .Metric("stalledClientCloseCode", client.CloseCode, ResultPrinter.CodeUnit)
            .Metric("stalledClientReceived", client.Received, $"msgs of {stalled.Published:N0} published");
        result.Notes.Add($"stalled client: {client.Description}");
        result.GeneratorCpuPercent = Math.Max(baseline.Cpu.Generator, stalled.Cpu.Generator);
        var rss = stalledRss is { } r ? $", server RSS max {r.Max / MiB:0} MiB" : "";
        result.Headline = $"rate change {Math.Round(change, 1).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture)}% ({baseline.DeliveredPerSecond:N0} -> {stalled.DeliveredPerSecond:N0}/s), "
            + $"p99 {baseline.Latency.PercentileMs(0.99):0.00} -> {stalled.Latency.PercentileMs(0.99):0.00} ms, stalled client {client.Description}{rss}";
        return result;
    }

    private static async Task<(FanoutOutcome Outcome, (long First, long Max)? Rss)> PhaseAsync(
        BenchContext context, ScenarioSettings settings, int? pid, bool stalled, string label)
    {
        RssSampler? sampler = pid is { } p ? new RssSampler(p) : null;
        FanoutOutcome outcome;
        try
        {
            outcome = await FanoutRun.RunAsync(context, settings, stalled, label);
        }
        finally
        {
            if (sampler is not null)
            {
                await sampler.DisposeAsync();
            }
        }

        return (outcome, sampler is null ? null : (sampler.First, sampler.Max));
    }
}
