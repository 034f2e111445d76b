using Switchboard.Bench.Cli;
using Switchboard.Bench.Results;

namespace Switchboard.Bench.Scenarios;

/// <summary>Runs the chosen scenario (or all of them in turn), prints each run and the summary table, appends JSON, and decides the exit code.</summary>
internal static class ScenarioRunner
{
    // idle first: its memory reading is cleanest on a server nothing else has warmed up yet.
    private static readonly string[] All = ["idle", "connect", "fanout", "rest", "slow"];

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellation)
    {
        var context = await BenchContext.CreateAsync(options, cancellation);
        PrintHeader(context);
        var results = new List<RunResult>();
        var scenarios = options.Scenario == "all" ? All : [options.Scenario];
        for (var i = 0; i < scenarios.Length; i++)
        {
            if (i > 0)
            {
                // Let the server finish the previous scenario's disconnects before measuring the next.
                await Task.Delay(1000, cancellation);
            }

            foreach (var run in await RunScenarioAsync(context, scenarios[i]))
            {
                results.Add(run);
                ResultPrinter.PrintRun(run, Console.Out);
                if (options.JsonFile is { } json)
                {
                    JsonResults.Append(json, run);
                }
            }
        }

        ResultPrinter.PrintTable(results, Console.Out);
        // A smoke run proves the tooling works end to end, so a scenario it could not run for want of an option fails it.
        var failed = results.Count(r => r.Failures.Count > 0 || (options.Smoke && r.SkippedForInput));
        Console.Out.WriteLine(failed == 0 ? "\nall runs passed" : $"\n{failed} of {results.Count} runs failed");
        return failed == 0 ? 0 : 1;
    }

    private static async Task<IReadOnlyList<RunResult>> RunScenarioAsync(BenchContext context, string scenario)
    {
        var settings = ScenarioSettings.For(scenario, context.Options);
        try
        {
            switch (scenario)
            {
                case "fanout":
                    var fixedOrGiven = await FanoutScenario.RunAsync(context, settings);
                    if (context.Options.Smoke && context.Options.Rate is null)
                    {
                        // The smoke run checks both pacing modes: open loop at a fixed rate, and the closed loop's window.
                        await Task.Delay(1000, context.Cancellation);
                        return [fixedOrGiven, await FanoutScenario.RunAsync(context, settings with { Rate = double.PositiveInfinity })];
                    }

                    return [fixedOrGiven];
                case "echo":
                    return [await EchoScenario.RunAsync(context, settings)];
                case "rest":
                    return await RestScenario.RunAsync(context, settings);
                case "connect":
                    return [await ConnectScenario.RunAsync(context, settings)];
                case "idle":
                    return [await IdleScenario.RunAsync(context, settings)];
                case "slow":
                    return [await SlowScenario.RunAsync(context, settings)];
                default:
                    throw new ArgumentOutOfRangeException(nameof(scenario), scenario, "unknown scenario");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.Cancellation.IsCancellationRequested)
        {
            // One broken scenario must not hide the others' results.
            return [context.NewResult(scenario).Fail($"{ex.GetType().Name}: {ex.Message}")];
        }
    }

    private static void PrintHeader(BenchContext context)
    {
        var o = context.Options;
        var inline = Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") == "1";
        Console.Out.WriteLine(
            $"switchboard-bench {o.Scenario}: target {o.Target} at {o.Url} ({context.Protocol.Name}), {Environment.ProcessorCount} cores visible, "
            + $"socket completions {(inline ? "inline" : "on the thread pool")}{(o.ServerPid is { } pid ? $", server pid {pid}" : "")}{(o.Smoke ? ", smoke" : "")}");
    }
}
