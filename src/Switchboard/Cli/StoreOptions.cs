using System.CommandLine;

namespace Switchboard.Cli;

/// <summary>The options that pick the store, shared by <c>serve</c>, <c>keys</c>, <c>credentials</c> and <c>connections</c>; each falls back to its environment variable.</summary>
internal sealed class StoreOptions
{
    public Option<string> DataDir { get; } = new("--data-dir")
    {
        Description = "Directory of the embedded store (env SWITCHBOARD_DATA_DIR)",
        DefaultValueFactory = _ => Env("SWITCHBOARD_DATA_DIR") ?? "./.switchboard",
    };

    public Option<string> Store { get; } = new Option<string>("--store")
    {
        Description = "Store for connections, API keys and usage: sqlite, memory or redis (env SWITCHBOARD_STORE)",
        DefaultValueFactory = _ => Env("SWITCHBOARD_STORE") ?? "sqlite",
    }.AcceptOnlyFromAmong("sqlite", "memory", "redis");

    public Option<string?> Redis { get; } = new("--redis")
    {
        Description = "StackExchange.Redis configuration, e.g. 127.0.0.1:6379 (env SWITCHBOARD_REDIS)",
        DefaultValueFactory = _ => Env("SWITCHBOARD_REDIS"),
    };

    public void AddTo(Command command)
    {
        command.Options.Add(DataDir);
        command.Options.Add(Store);
        command.Options.Add(Redis);
    }

    /// <summary>
    /// Adds these options to a command that acts on a persistent store and runs <paramref name="action"/> with the
    /// store chosen; a choice the command cannot use (the memory store, a malformed credentials key) is refused with
    /// exit status 2 before the action runs.
    /// </summary>
    public void SetPersistentAction(Command command, TextWriter error, Func<ParseResult, StoreChoice, CancellationToken, Task<int>> action)
    {
        AddTo(command);
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var choice = Read(parsed);
            return Stores.StoreFactory.Problem(choice, needsPersistence: true) is { } problem
                ? SwitchboardCli.Misuse(error, problem)
                : await action(parsed, choice, cancellationToken).ConfigureAwait(false);
        });
    }

    public StoreChoice Read(ParseResult parsed) =>
        new(parsed.GetValue(Store)!, parsed.GetValue(DataDir)!, parsed.GetValue(Redis));

    public static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}

/// <summary>The store the user picked.</summary>
internal sealed record StoreChoice(string Kind, string DataDir, string? Redis);
