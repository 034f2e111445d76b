using Switchboard.Bench.Metrics;
using Switchboard.Bench.Results;

namespace Switchboard.Bench.Scenarios;

/// <summary>
/// Every connection is a file descriptor here and one in the server. The .NET runtime raises its own soft limit to the
/// hard limit at start, so the generator's limit is the hard one; the server's is whatever its shell gave it.
/// </summary>
internal static class OpenFiles
{
    private const int Spare = 64;

    public static void Check(RunResult result, int connections)
    {
        if (ProcessProbe.OpenFilesLimit() is { } limit && limit < connections + Spare)
        {
            result.Notes.Add($"this process may open {limit:N0} files, fewer than {connections:N0} connections need: raise 'ulimit -n' (hard limit) before starting the generator and the server");
        }
    }
}
