using System.CommandLine;
using System.Globalization;
using Switchboard.Registry;
using Switchboard.Stores;

namespace Switchboard.Cli;

/// <summary><c>switchboard connections list</c>: the registry's rows, as a running server keeps them.</summary>
internal static class ConnectionsCommands
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var stage = new Option<string?>("--stage") { Description = "Only this stage" };
        var api = new Option<string?>("--api") { Description = "Only this WebSocket API" };
        var store = new StoreOptions();
        var list = new Command("list", "List registered connections: id, API, stage, connectedAt, source IP, node") { stage, api };
        store.SetPersistentAction(list, error, async (parsed, choice, cancellationToken) =>
        {
            await using var stores = new StoreFactory();
            var registry = stores.OpenRegistry(choice);
            var rows = await registry.ListAsync(new ConnectionQuery(parsed.GetValue(api), parsed.GetValue(stage)), cancellationToken).ConfigureAwait(false);
            await output.WriteAsync(TextTable.Render(
                ["ID", "API", "STAGE", "CONNECTED_AT", "SOURCE_IP", "NODE", "PRINCIPAL"],
                rows.Select(r => new[]
                {
                    r.ConnectionId,
                    r.Api,
                    r.Stage,
                    r.ConnectedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                    r.SourceIp,
                    r.NodeId,
                    string.IsNullOrEmpty(r.PrincipalId) ? "-" : r.PrincipalId,
                }))).ConfigureAwait(false);
            return 0;
        });

        var connections = new Command("connections", "Inspect the connection registry");
        connections.Subcommands.Add(list);
        return connections;
    }
}
