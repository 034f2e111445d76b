using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Processes;

/// <summary>
/// Tests that start the real executable. They run alone (not beside other collections) so start-up and shutdown times
/// are not stretched by the rest of the suite on a small machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCollection
{
    public const string Name = "Process";
}

/// <summary>One row of <c>switchboard connections list</c>.</summary>
public sealed record ConnectionRow(string Id, string Api, string Stage, DateTimeOffset ConnectedAt, string SourceIp, string Node, string Principal);

/// <summary>What the process tests share: arguments, registry reads through the CLI, polling, definition files.</summary>
public static class ProcessTestKit
{
    public const string SeedMessage = "{\"action\":\"onMessage\",\"message\":\"hello from a process test\",\"key\":\"1234\"}";

    /// <summary>No <c>SWITCHBOARD_*</c> variable at all: the seed's demo broadcast secret <c>1234</c> applies.</summary>
    public static readonly IReadOnlyDictionary<string, string?> CleanEnvironment = new Dictionary<string, string?>();

    /// <summary><c>--urls http://127.0.0.1:0 --data-dir DIR</c> plus <paramref name="more"/>.</summary>
    public static string[] ServeArgs(string dataDir, params string[] more) =>
        ["--urls", "http://127.0.0.1:0", "--data-dir", dataDir, .. more];

    /// <summary>The connection id the server gave <paramref name="client"/>, read from the Forbidden frame an unknown action gets.</summary>
    public static async Task<string> ConnectionIdAsync(TestWebSocket client)
    {
        await client.SendTextAsync("{\"action\":\"whoAmI-no-such-route\"}");
        using var frame = JsonDocument.Parse(await client.ReceiveTextAsync());
        var id = frame.RootElement.GetProperty("connectionId").GetString();
        Assert.NotNull(id);
        Assert.Matches("^[A-Za-z0-9_-]{16}$", id);
        return id;
    }

    /// <summary>The registry's rows, as <c>switchboard connections list --data-dir DIR</c> prints them.</summary>
    public static async Task<IReadOnlyList<ConnectionRow>> ListConnectionsAsync(string dataDir)
    {
        var result = await Cli.RunAsync(["connections", "list", "--data-dir", dataDir]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StdoutLines;
        Assert.True(lines.Length >= 1, result.ToString());
        Assert.Equal(["ID", "API", "STAGE", "CONNECTED_AT", "SOURCE_IP", "NODE", "PRINCIPAL"], Columns(lines[0]));
        return lines.Skip(1).Select(line =>
        {
            var cells = Columns(line);
            Assert.True(cells.Length == 7, $"expected 7 columns in '{line}'");
            return new ConnectionRow(cells[0], cells[1], cells[2], DateTimeOffset.Parse(cells[3], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind), cells[4], cells[5], cells[6]);
        }).ToList();
    }

    /// <summary>Polls <paramref name="read"/> until <paramref name="done"/> holds; fails with the last value after <paramref name="timeout"/>.</summary>
    public static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"{what} did not happen within {timeout}; last value: {Describe(value)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>Polls the registry until its rows satisfy <paramref name="done"/>.</summary>
    public static Task<IReadOnlyList<ConnectionRow>> PollConnectionsAsync(string dataDir, Func<IReadOnlyList<ConnectionRow>, bool> done, string what) =>
        PollAsync(() => ListConnectionsAsync(dataDir), done, TimeSpan.FromSeconds(20), what);

    /// <summary>Writes the built-in definition with <c>switchboard init --output FILE</c>, then applies <paramref name="edit"/> to it.</summary>
    public static async Task<string> WriteDefinitionAsync(string directory, string fileName, Action<JsonObject>? edit = null)
    {
        var file = Path.Combine(directory, fileName);
        var init = await Cli.RunAsync(["init", "--output", file]);
        Assert.True(init.ExitCode == 0, init.ToString());
        if (edit is not null)
        {
            var json = JsonNode.Parse(await File.ReadAllTextAsync(file))!.AsObject();
            edit(json);
            await File.WriteAllTextAsync(file, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }

        return file;
    }

    /// <summary>Reads frames until the server's close comes, then answers it as a well-behaved client does; returns the close code.</summary>
    public static async Task<int?> ReceiveCloseAndAnswerAsync(TestWebSocket client, TimeSpan timeout)
    {
        var code = await client.ReceiveCloseAsync(timeout);
        if (client.Socket.State == WebSocketState.CloseReceived)
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await client.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cancel.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // The server may already have dropped the TCP connection; the test only needs the code.
            }
        }

        return code;
    }

    private static string[] Columns(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static string Describe<T>(T value) => value switch
    {
        System.Collections.IEnumerable items and not string => "[" + string.Join(", ", items.Cast<object>()) + "]",
        _ => value?.ToString() ?? "null",
    };
}
