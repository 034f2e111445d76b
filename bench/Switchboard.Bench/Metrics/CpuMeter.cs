using System.Diagnostics;

namespace Switchboard.Bench.Metrics;

/// <summary>
/// CPU used over a wall-clock interval, as a percentage of one core: by this generator (so a reader sees whether it
/// saturated its core and the numbers are the generator's, not the server's) and, given its pid, by the server.
/// </summary>
internal sealed class CpuMeter
{
    private readonly int? _serverPid;
    private long _startTimestamp;
    private TimeSpan _startGenerator;
    private double? _startServer;

    public CpuMeter(int? serverPid)
    {
        _serverPid = serverPid;
        Restart();
    }

    public void Restart()
    {
        _startTimestamp = Stopwatch.GetTimestamp();
        _startGenerator = GeneratorCpu();
        _startServer = _serverPid is { } pid ? ProcessProbe.ReadCpuSeconds(pid) : null;
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

        return new CpuReading(Percent(generator, wall), server);
    }

    private static TimeSpan GeneratorCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private static double Percent(double cpuSeconds, double wallSeconds) => wallSeconds <= 0 ? 0 : cpuSeconds / wallSeconds * 100;
}

/// <summary>CPU in percent of one core over the measured interval; <see cref="Server"/> is null without a server pid.</summary>
internal readonly record struct CpuReading(double Generator, double? Server);
