using System.Diagnostics;
using Switchboard.Bench.Cli;
using Switchboard.Bench.Client;
using Switchboard.Bench.Metrics;
using Switchboard.Bench.Results;

namespace Switchboard.Bench.Scenarios;

/// <summary>
/// <c>idle</c>: the server's resident memory before and after N connections open and settle, per connection; then
/// its CPU while they sit idle for the duration (keep-alive pings and timers only). Needs the server's pid.
/// </summary>
internal static class IdleScenario
{
    private const int ReceiveBufferBytes = 1024;
    private const int WarmupConnections = 100;
    private const double MiB = 1024 * 1024;

    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(15);

    public static async Task<RunResult> RunAsync(BenchContext context, ScenarioSettings settings)
    {
        var result = context.NewResult("idle")
            .Parameter("connections", settings.Connections)
            .Parameter("concurrency", settings.Concurrency)
            .Parameter("duration", settings.Duration);
        if (context.Options.ServerPid is not { } pid)
        {
            return result.Skip("needs --server-pid to read the server's memory and CPU from /proc", missingInput: true);
        }

        if (!ProcessProbe.IsAlive(pid))
        {
            return result.Fail($"no process {pid} (--server-pid)");
        }

        OpenFiles.Check(result, settings.Connections);

        // Open and close a few connections first, so the one-time costs of the first connections (code compiled, pools
        // and tables created) are in the baseline, not charged to the connections measured.
        await using (var warmup = await ConnectionSet.OpenAsync(
            context, Math.Min(WarmupConnections, settings.Connections), settings.Concurrency, ReceiveBufferBytes, _ => new CountingSink()))
        {
            await warmup.CloseAllAsync(settings.Concurrency, CloseTimeout);
        }

        var before = await SettledRssAsync(pid, context.Cancellation);
        var sink = new CountingSink();
        await using var set = await ConnectionSet.OpenAsync(
            context, settings.Connections, settings.Concurrency, ReceiveBufferBytes, _ => sink, "idle: opening");
        if (set.Failed > 0)
        {
            result.Fail($"{set.Failed:N0} of {settings.Connections:N0} connections failed to open (first: {set.FirstError})");
        }

        var after = await SettledRssAsync(pid, context.Cancellation);

        var meter = new CpuMeter(pid);
        await using (ProgressReporter.Start("idle: holding", () => sink.Count, "messages"))
        {
            await Task.Delay(TimeSpan.FromSeconds(settings.Duration), context.Cancellation);
        }

        var cpu = meter.Read();
        var lost = set.Sockets.Count(s => s is { Ended: true });
        var rssHeld = ProcessProbe.ReadRssBytes(pid) ?? after;

        // What the server holds per connection while they sit idle: read at the end of the idle period, so a server
        // that gives back what the connection burst left behind is measured as it runs, not mid-burst.
        var perConnection = set.Opened == 0 ? 0 : (double)(rssHeld - before) / set.Opened;
        var perConnectionAfterOpen = set.Opened == 0 ? 0 : (double)(after - before) / set.Opened;
        await set.CloseAllAsync(settings.Concurrency, CloseTimeout, "idle: closing");

        result.Metric("connections", set.Opened, "conn")
            .Metric("serverRssBeforeMiB", before / MiB, "MiB")
            .Metric("serverRssAfterMiB", after / MiB, "MiB")
            .Metric("serverRssAfterIdleMiB", rssHeld / MiB, "MiB")
            .Metric("bytesPerConnection", perConnection, "bytes")
            .Metric("kibPerConnection", perConnection / 1024, "KiB")
            .Metric("kibPerConnectionAfterOpen", perConnectionAfterOpen / 1024, "KiB");
        FanoutScenario.AddServerCpu(result, cpu, "serverIdleCpuPercent");
        result.Metric("closedWhileIdle", lost, "conn");
        result.GeneratorCpuPercent = cpu.Generator;
        if (lost > 0)
        {
            result.Fail($"{lost:N0} connections were closed by the server while idle for {settings.Duration:0.#} s");
        }

        result.Headline = $"{perConnection / 1024:0.00} KiB per connection held idle ({perConnectionAfterOpen / 1024:0.00} just after opening; {set.Opened:N0} connections, RSS {before / MiB:0} -> {after / MiB:0} -> {rssHeld / MiB:0} MiB), "
            + $"idle server CPU {cpu.Server ?? 0:0.0}%";
        return result;
    }

    /// <summary>RSS once it stops moving: two readings a second apart within 0.2 % (or 64 KiB), at most 10 s.</summary>
    private static async Task<long> SettledRssAsync(int pid, CancellationToken cancellation)
    {
        var deadline = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
        var previous = ProcessProbe.ReadRssBytes(pid) ?? 0;
        while (true)
        {
            await Task.Delay(1000, cancellation);
            var current = ProcessProbe.ReadRssBytes(pid) ?? 0;
            if (Math.Abs(current - previous) <= Math.Max(64 * 1024, current / 500) || Stopwatch.GetTimestamp() > deadline)
            {
                return current;
            }

            previous = current;
        }
    }
}
