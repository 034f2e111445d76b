using System.CommandLine;

namespace Switchboard.Cli;

/// <summary>
/// The command line: <c>serve</c>, <c>init</c>, <c>keys create|list|revoke</c>, <c>connections list</c>. Misuse prints one
/// line per problem and exits 2 (the README); <c>--help</c> works on every command.
/// </summary>
internal static class SwitchboardCli
{
    public const int ExitMisuse = 2;
    public const int ExitFailure = 1;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("Switchboard: a self-hosted WebSocket API gateway that speaks API Gateway's dialect.")
        {
            ServeCommand.Create(output, error),
            InitCommand.Create(output, error),
            KeysCommands.Create(output, error),
            CredentialsCommands.Create(output, error),
            ConnectionsCommands.Create(output, error),
        };

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in OneLinePerProblem(parsed.Errors.Select(e => e.Message)))
            {
                await error.WriteLineAsync($"switchboard: {problem} (see 'switchboard --help')").ConfigureAwait(false);
            }

            return ExitMisuse;
        }

        // The host handles SIGINT and SIGTERM itself (a drain may take longer than System.CommandLine would wait).
        var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null, Output = output, Error = error };
        return await parsed.InvokeAsync(invocation).ConfigureAwait(false);
    }

    /// <summary>
    /// System.CommandLine words some problems over several lines (the allowed values of an option) and adds "Required
    /// command was not provided" next to an unknown command; users get one line per actual problem.
    /// </summary>
    internal static IReadOnlyList<string> OneLinePerProblem(IEnumerable<string> messages)
    {
        var lines = messages
            .Select(m => string.Join(' ', m.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (lines.Count > 1)
        {
            lines.RemoveAll(static l => l.StartsWith("Required command was not provided", StringComparison.Ordinal));
        }

        return lines;
    }

    /// <summary>Prints a one-line usage error and returns the misuse exit code.</summary>
    public static int Misuse(TextWriter error, string message)
    {
        error.WriteLine($"switchboard: {message}");
        return ExitMisuse;
    }

    public static int Failure(TextWriter error, string message)
    {
        error.WriteLine($"switchboard: {message}");
        return ExitFailure;
    }
}
