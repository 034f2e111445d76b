using System.Globalization;

namespace Switchboard.Bench.Metrics;

/// <summary>Reads another process's resident memory and CPU time from <c>/proc</c> (Linux).</summary>
internal static class ProcessProbe
{
    // USER_HZ: /proc/PID/stat reports times in clock ticks, 100 per second on every Linux this runs on.
    private const double ClockTicksPerSecond = 100;

    /// <summary>VmRSS of <paramref name="pid"/> in bytes, or null when the process is gone.</summary>
    public static long? ReadRssBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kb = line["VmRSS:".Length..].Trim();
                    kb = kb.EndsWith(" kB", StringComparison.Ordinal) ? kb[..^3].Trim() : kb;
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }

    /// <summary>User plus system CPU time of <paramref name="pid"/> in seconds, or null when the process is gone.</summary>
    public static double? ReadCpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) may contain spaces and parentheses; the fields after its last ')' are fixed.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is field 3 (state), so utime (14) and stime (15) are fields[11] and fields[12].
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return ticks / ClockTicksPerSecond;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    public static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");

    /// <summary>The soft limit on open files of this process, from <c>/proc/self/limits</c>; null when unknown.</summary>
    public static long? OpenFilesLimit()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var parts = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var soft) ? soft : null;
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }
}
