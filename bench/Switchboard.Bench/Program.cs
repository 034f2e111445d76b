using Switchboard.Bench.Cli;
using Switchboard.Bench.Scenarios;

// Run socket continuations on the epoll thread instead of hopping to the thread pool: the generator's receive loops are
// short and never block, and without the hop a pinned core delivers more of them. Read once, before the first socket.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

var options = CommandLine.Parse(args, Console.Error);
if (options is null)
{
    return args.Length == 0 || args.Contains("--help") || args.Contains("-h") ? 0 : 2;
}

using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupt.Cancel();
};

try
{
    return await ScenarioRunner.RunAsync(options, interrupt.Token);
}
catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
{
    Console.Error.WriteLine("switchboard-bench: interrupted");
    return 130;
}
