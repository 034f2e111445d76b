using System.Diagnostics;

namespace Switchboard.Bench.Metrics;

/// <summary>Writes one line per second to standard error while a phase runs: the rate of a counter and the generator's CPU.</summary>
internal sealed class ProgressReporter : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private ProgressReporter(string label, Func<long> counter, string unit)
    {
        _loop = RunAsync(label, counter, unit, _stop.Token);
    }

    public static ProgressReporter Start(string label, Func<long> counter, string unit) => new(label, counter, unit);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private static async Task RunAsync(string label, Func<long> counter, string unit, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var started = Stopwatch.GetTimestamp();
        var lastTime = started;
        var lastCount = counter();
        var lastCpu = GeneratorCpu();
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var now = Stopwatch.GetTimestamp();
                var count = counter();
                var cpu = GeneratorCpu();
                var seconds = Stopwatch.GetElapsedTime(lastTime, now).TotalSeconds;
                var rate = (count - lastCount) / seconds;
                var cpuPercent = (cpu - lastCpu).TotalSeconds / seconds * 100;
                Console.Error.WriteLine(
                    $"  {label,-28} {Stopwatch.GetElapsedTime(started, now).TotalSeconds,5:0}s {rate,12:N0} {unit}/s   total {count,14:N0}   generator CPU {cpuPercent,4:0}%");
                (lastTime, lastCount, lastCpu) = (now, count, cpu);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static TimeSpan GeneratorCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}
