using System.Diagnostics;
using System.Text;

namespace Switchboard.Tests.Processes;

/// <summary>What a one-shot command printed and how it ended.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StdoutLines => Lines(Stdout);

    public string[] StderrLines => Lines(Stderr);

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
}

/// <summary>Runs one-shot <c>switchboard</c> commands (<c>init</c>, <c>keys</c>, <c>connections</c>, misuse) as real processes.</summary>
public static class Cli
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs <c>switchboard ARGS</c> with only the given <c>SWITCHBOARD_*</c> variables; kills it when it outlives <paramref name="timeout"/>.</summary>
    public static async Task<CliResult> RunAsync(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        using var process = GatewayProcess.Start(args, environment, workingDirectory);
        return await CollectAsync(process, $"switchboard {string.Join(' ', args)}", timeout ?? DefaultTimeout);
    }

    /// <summary>Runs any program (e.g. <c>kill</c>) and collects its output.</summary>
    public static async Task<CliResult> RunProgramAsync(string program, IReadOnlyList<string> args, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        return await CollectAsync(process, $"{program} {string.Join(' ', args)}", timeout);
    }

    private static async Task<CliResult> CollectAsync(Process process, string what, TimeSpan timeout)
    {
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
            return new CliResult(process.ExitCode, await stdout.WaitAsync(TimeSpan.FromSeconds(10)), await stderr.WaitAsync(TimeSpan.FromSeconds(10)));
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }

            var partial = new StringBuilder();
            partial.Append(stdout.IsCompletedSuccessfully ? stdout.Result : "(still open)");
            throw new TimeoutException($"'{what}' did not finish within {timeout}; stdout: {partial}");
        }
    }
}
