using System.Diagnostics;

namespace Switchboard.Bench.Metrics;

/// <summary>
/// CPU used over a wall-clock interval, as a percentage of one core: by this generator (so a reader sees whether it
/// saturated its core and the numbers are the generator's, not the server's), given its pid by the server, and given
/// the pids of the whole backend (gateway, function runner, database) by all of them together.
/// </summary>
internal sealed class CpuMeter
{
    private readonly int? _serverPid;
    private readonly IReadOnlyList<int> _stackPids;
    private long _startTimestamp;
    private TimeSpan _startGenerator;
    private double? _startServer;
    private double? _startStack;

    public CpuMeter(int? serverPid, IReadOnlyList<int>? stackPids = null)
    {
        _serverPid = serverPid;
        _stackPids = stackPids ?? [];
        Restart();
    }

    public void Restart()
    {
        _startTimestamp = Stopwatch.GetTimestamp();
        _startGenerator = GeneratorCpu();
        _startServer = _serverPid is { } pid ? ProcessProbe.ReadCpuSeconds(pid) : null;
        _startStack = StackCpu();
    }

    public CpuReading Read()
    {
        var wall = Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds;
        var generator = (GeneratorCpu() - _startGenerator).TotalSeconds;
        double? server = null;
        if (_serverPid is { } pid && _startServer is { } start && ProcessProbe.ReadCpuSeconds(pid) is { } now)
        {
            server = Percent(now - start, wall);
        }

        double? stack = null;
        if (_startStack is { } stackStart && StackCpu() is { } stackNow)
        {
            stack = Percent(stackNow - stackStart, wall);
        }

        return new CpuReading(Percent(generator, wall), server, stack);
    }

    /// <summary>The backend's processes' CPU seconds summed, or null without pids or when one of them is gone.</summary>
    private double? StackCpu()
    {
        if (_stackPids.Count == 0)
        {
            return null;
        }

        var total = 0.0;
        foreach (var pid in _stackPids)
        {
            if (ProcessProbe.ReadCpuSeconds(pid) is not { } seconds)
            {
                return null;
            }

            total += seconds;
        }

        return total;
    }

    private static TimeSpan GeneratorCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private static double Percent(double cpuSeconds, double wallSeconds) => wallSeconds <= 0 ? 0 : cpuSeconds / wallSeconds * 100;
}

/// <summary>CPU in percent of one core over the measured interval; <see cref="Server"/> and <see cref="Stack"/> are null without their pids.</summary>
internal readonly record struct CpuReading(double Generator, double? Server, double? Stack = null);
