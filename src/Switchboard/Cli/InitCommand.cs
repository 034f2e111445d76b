using System.CommandLine;
using Switchboard.Definition;

namespace Switchboard.Cli;

/// <summary><c>switchboard init</c>: writes the built-in definition to a file to edit; never overwrites.</summary>
internal static class InitCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var path = new Option<string>("--output", "-o")
        {
            Description = "File to write",
            DefaultValueFactory = _ => "switchboard.json",
        };
        var command = new Command("init", "Write the built-in gateway definition (the seed's setup) to a file, to edit and serve with --config") { path };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var file = parsed.GetValue(path)!;
            if (File.Exists(file))
            {
                return SwitchboardCli.Misuse(error, $"{file} already exists; remove it or pass --output OTHER_FILE");
            }

            try
            {
                await using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write);
                await using var writer = new StreamWriter(stream);
                await writer.WriteAsync(SeedDefinition.ToJson(SeedDefinition.Create())).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                return SwitchboardCli.Failure(error, $"cannot write {file}: {ex.Message}");
            }
            catch (UnauthorizedAccessException ex)
            {
                return SwitchboardCli.Failure(error, $"cannot write {file}: {ex.Message}");
            }

            await output.WriteLineAsync($"Wrote {file}. Serve it with: switchboard serve --config {file}").ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
