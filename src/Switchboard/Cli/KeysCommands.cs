using System.CommandLine;
using System.Globalization;
using Switchboard.Auth;
using Switchboard.Definition;
using Switchboard.Stores;

namespace Switchboard.Cli;

/// <summary>
/// <c>switchboard keys create|list|revoke|usage</c>: acts on the same store as a running server, which honours the change
/// at once (it reads keys, and their plans, from the store on every request). Values are printed once, at creation, and
/// stored only hashed.
/// </summary>
internal static class KeysCommands
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var keys = new Command("keys", "Manage API keys for REST methods with apiKeyRequired");
        keys.Subcommands.Add(CreateCommand(output, error));
        keys.Subcommands.Add(ListCommand(output, error));
        keys.Subcommands.Add(RevokeCommand(output, error));
        keys.Subcommands.Add(KeysUsageCommand.Create(output, error));
        return keys;
    }

    private static Command CreateCommand(TextWriter output, TextWriter error)
    {
        var name = new Option<string>("--name") { Description = "Unique name of the key", Required = true };
        var value = new Option<string?>("--value") { Description = "The key itself, 20 to 128 characters of letters, digits, '-' and '_'; generated when omitted" };
        var plan = new Option<string?>("--plan") { Description = "Usage plan of the key; default the definition's defaultUsagePlan" };
        var config = new Option<string?>("--config")
        {
            Description = "Gateway definition whose usage plans apply (env SWITCHBOARD_CONFIG); default the built-in one",
            DefaultValueFactory = _ => StoreOptions.Env("SWITCHBOARD_CONFIG"),
        };
        var store = new StoreOptions();
        var command = new Command("create", "Create an API key and print it (alone) on standard output") { name, value, plan, config };
        store.SetPersistentAction(command, error, async (parsed, choice, cancellationToken) =>
        {
            var keyName = parsed.GetValue(name)!;
            if (string.IsNullOrWhiteSpace(keyName) || keyName.Length > 1024)
            {
                return SwitchboardCli.Misuse(error, "--name must be 1 to 1024 characters");
            }

            var keyValue = parsed.GetValue(value) ?? ApiKeyHash.Generate();
            if (keyValue.Length is < 20 or > 128 || !keyValue.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return SwitchboardCli.Misuse(error, "--value must be 20 to 128 characters of letters, digits, '-' and '_'");
            }

            var definition = ServeCommand.LoadDefinition(parsed.GetValue(config), error);
            if (definition is null)
            {
                return SwitchboardCli.ExitMisuse;
            }

            var planName = parsed.GetValue(plan) ?? DefaultPlan(definition);
            if (planName is not null && definition.UsagePlans.All(p => p.Name != planName))
            {
                var known = definition.UsagePlans.Count == 0 ? "the definition has none" : "known: " + string.Join(", ", definition.UsagePlans.Select(p => p.Name));
                return SwitchboardCli.Misuse(error, $"unknown usage plan '{planName}'; {known}");
            }

            await using var stores = new StoreFactory();
            try
            {
                await stores.OpenKeys(choice).CreateAsync(keyName, keyValue, planName, cancellationToken).ConfigureAwait(false);
            }
            catch (ApiKeyConflictException ex)
            {
                return SwitchboardCli.Failure(error, ex.Message);
            }

            await output.WriteLineAsync(keyValue).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command ListCommand(TextWriter output, TextWriter error)
    {
        var store = new StoreOptions();
        var command = new Command("list", "List API keys: names, plans and creation times (never the values)");
        store.SetPersistentAction(command, error, async (parsed, choice, cancellationToken) =>
        {
            await using var stores = new StoreFactory();
            var all = await stores.OpenKeys(choice).ListAsync(cancellationToken).ConfigureAwait(false);
            var rows = all.Select(k => new[] { k.Name, k.Plan ?? "-", k.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) });
            await output.WriteAsync(TextTable.Render(["NAME", "PLAN", "CREATED"], rows)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command RevokeCommand(TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("NAME") { Description = "Name of the key to revoke" };
        var store = new StoreOptions();
        var command = new Command("revoke", "Revoke an API key: it fails at once, also on a running server") { name };
        store.SetPersistentAction(command, error, async (parsed, choice, cancellationToken) =>
        {
            var keyName = parsed.GetValue(name)!;
            await using var stores = new StoreFactory();
            if (!await stores.OpenKeys(choice).RevokeAsync(keyName, cancellationToken).ConfigureAwait(false))
            {
                return SwitchboardCli.Failure(error, $"no key named '{keyName}'");
            }

            await output.WriteLineAsync($"Revoked {keyName}").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static string? DefaultPlan(GatewayDefinition definition) =>
        definition.DefaultUsagePlan ?? (definition.UsagePlans.Count == 1 ? definition.UsagePlans[0].Name : null);
}
