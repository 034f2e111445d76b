using System.CommandLine;
using System.Globalization;
using System.Text;
using Switchboard.RateLimiting;
using Switchboard.Stores;

namespace Switchboard.Cli;

/// <summary>
/// <c>switchboard keys usage NAME</c>: the key's plan as the definition has it, and what its quota has counted in the
/// current period and has left. Read from the store a running server counts in, so it is current.
/// </summary>
internal static class KeysUsageCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("NAME") { Description = "Name of the key" };
        var config = new Option<string?>("--config")
        {
            Description = "Gateway definition whose usage plans apply (env SWITCHBOARD_CONFIG); default the built-in one",
            DefaultValueFactory = _ => StoreOptions.Env("SWITCHBOARD_CONFIG"),
        };
        var store = new StoreOptions();
        var command = new Command("usage", "Show a key's usage plan, and its quota used and left in the current period") { name, config };
        store.SetPersistentAction(command, error, async (parsed, choice, cancellationToken) =>
        {
            var definition = ServeCommand.LoadDefinition(parsed.GetValue(config), error);
            if (definition is null)
            {
                return SwitchboardCli.ExitMisuse;
            }

            var keyName = parsed.GetValue(name)!;
            await using var stores = new StoreFactory();
            var keys = await stores.OpenKeys(choice).ListAsync(cancellationToken).ConfigureAwait(false);
            if (keys.FirstOrDefault(k => k.Name == keyName) is not { } key)
            {
                return SwitchboardCli.Failure(error, $"no key named '{keyName}'");
            }

            var usage = stores.OpenUsage(choice);
            var report = await KeyUsageReport.ReadAsync(key, UsagePlanSet.From(definition), usage, DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);
            await output.WriteAsync(Render(report)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>One <c>field: value</c> line each, for people and for <c>grep</c>.</summary>
    internal static string Render(KeyUsageReport report)
    {
        var text = new StringBuilder();
        void Line(string field, string value) => text.Append(field).Append(": ").Append(value).Append('\n');

        Line("key", report.Key.Name);
        if (report.Key.Plan is null)
        {
            Line("plan", "none (unthrottled, no quota)");
            return text.ToString();
        }

        if (report.Plan is not { } plan)
        {
            Line("plan", $"{report.Key.Plan} (not in the definition: requests with this key get 403)");
            return text.ToString();
        }

        Line("plan", plan.Name);
        Line("throttle", plan.Throttle?.ToString() ?? "none");
        foreach (var (method, limit) in plan.MethodThrottles)
        {
            Line($"throttle {method}", limit.ToString());
        }

        if (plan.Quota is null || report.Window is not { } window)
        {
            Line("quota", "none");
            return text.ToString();
        }

        Line("quota", plan.Quota.ToString());
        Line("period", $"{Time(window.Start)} to {Time(window.End)}");
        Line("allowed", window.Allowed.ToString(CultureInfo.InvariantCulture));
        Line("used", report.Used.ToString(CultureInfo.InvariantCulture));
        Line("remaining", report.Remaining!.Value.ToString(CultureInfo.InvariantCulture));
        return text.ToString();
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
