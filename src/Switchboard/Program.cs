using Switchboard.Cli;

namespace Switchboard;

internal static class Program
{
    public static Task<int> Main(string[] args) => SwitchboardCli.RunAsync(args, Console.Out, Console.Error);
}
