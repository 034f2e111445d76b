using Switchboard.Bench.Cli;
using Switchboard.Bench.Client;
using Switchboard.Bench.Results;

namespace Switchboard.Bench.Scenarios;

/// <summary>
/// <c>connect</c>: opens N connections as fast as C handshakes in flight allow (each one is a registry write on the
/// server), then closes them all with a close handshake. Reports opened and closed per second, handshake latency and
/// failures.
/// </summary>
internal static class ConnectScenario
{
    private const int ReceiveBufferBytes = 1024;

    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(15);

    public static async Task<RunResult> RunAsync(BenchContext context, ScenarioSettings settings)
    {
        var result = context.NewResult("connect")
            .Parameter("connections", settings.Connections)
            .Parameter("concurrency", settings.Concurrency);
        OpenFiles.Check(result, settings.Connections);

        var sink = new CountingSink();
        var meter = new Metrics.CpuMeter(context.Options.ServerPid);
        await using var set = await ConnectionSet.OpenAsync(
            context, settings.Connections, settings.Concurrency, ReceiveBufferBytes, _ => sink, "connect: opening");
        var openCpu = meter.Read();
        var openedPerSecond = set.Opened / set.OpenElapsed.TotalSeconds;

        meter.Restart();
        var close = await set.CloseAllAsync(settings.Concurrency, CloseTimeout, "connect: closing");
        var closeCpu = meter.Read();
        var closedPerSecond = close.Closed / close.Elapsed.TotalSeconds;

        result.Metric("openedPerSec", openedPerSecond, "conn/s")
            .Metric("opened", set.Opened, "conn")
            .Metric("openFailures", set.Failed, "conn")
            .Metric("handshakeP50Ms", set.HandshakeLatency.PercentileMs(0.5), "ms")
            .Metric("handshakeP99Ms", set.HandshakeLatency.PercentileMs(0.99), "ms")
            .Metric("handshakeMaxMs", set.HandshakeLatency.MaxMs, "ms")
            .Metric("closedPerSec", closedPerSecond, "conn/s")
            .Metric("closed", close.Closed, "conn")
            .Metric("closeFailures", close.Failed, "conn");
        FanoutScenario.AddServerCpu(result, openCpu, "serverCpuPercentOpening");
        FanoutScenario.AddServerCpu(result, closeCpu, "serverCpuPercentClosing");
        result.GeneratorCpuPercent = openCpu.Generator;
        result.Notes.Add($"generator CPU while closing: {closeCpu.Generator:0}% of one core");
        if (set.Failed > 0)
        {
            result.Fail($"{set.Failed:N0} of {settings.Connections:N0} connections failed to open (first: {set.FirstError})");
        }

        if (close.Failed > 0)
        {
            result.Fail($"{close.Failed:N0} of {set.Opened:N0} connections were not closed with a close handshake within {CloseTimeout.TotalSeconds:0} s");
        }

        result.Headline = $"{openedPerSecond:N0} opened/s (p99 handshake {set.HandshakeLatency.PercentileMs(0.99):0.0} ms), {closedPerSecond:N0} closed/s, "
            + $"failures {set.Failed + close.Failed:N0}";
        return result;
    }
}
