using System.CommandLine;
using Microsoft.Extensions.Logging;
using Switchboard.Definition;
using Switchboard.Hosting;
using Switchboard.Stores;

namespace Switchboard.Cli;

/// <summary><c>switchboard serve</c>: runs the gateway until SIGINT or SIGTERM, then stops cleanly and exits 0.</summary>
internal static class ServeCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Listen addresses, separated by ';' (env SWITCHBOARD_URLS)",
            DefaultValueFactory = _ => StoreOptions.Env("SWITCHBOARD_URLS") ?? "http://127.0.0.1:8080",
        };
        var config = new Option<string?>("--config")
        {
            Description = "Gateway definition (JSON); default the built-in seed setup, which 'switchboard init' writes out (env SWITCHBOARD_CONFIG)",
            DefaultValueFactory = _ => StoreOptions.Env("SWITCHBOARD_CONFIG"),
        };
        var nodeId = new Option<string?>("--node-id")
        {
            Description = "This node's name in the registry; default host name and port (env SWITCHBOARD_NODE_ID)",
            DefaultValueFactory = _ => StoreOptions.Env("SWITCHBOARD_NODE_ID"),
        };
        var logFormat = new Option<string>("--log-format")
        {
            Description = "Log lines as text or json (env SWITCHBOARD_LOG_FORMAT)",
            DefaultValueFactory = _ => StoreOptions.Env("SWITCHBOARD_LOG_FORMAT") ?? "text",
        }.AcceptOnlyFromAmong("text", "json");
        var logLevel = new Option<LogLevel>("--log-level")
        {
            Description = "Least severe level logged (env SWITCHBOARD_LOG_LEVEL)",
            DefaultValueFactory = _ => Enum.TryParse<LogLevel>(StoreOptions.Env("SWITCHBOARD_LOG_LEVEL"), true, out var level) ? level : LogLevel.Information,
        };
        var store = new StoreOptions();
        var tls = new CertificateOptions();

        var command = new Command("serve", "Run the gateway (default: the seed's setup on http://127.0.0.1:8080 with the SQLite store)")
        {
            urls, config, nodeId, logFormat, logLevel,
        };
        store.AddTo(command);
        tls.AddTo(command);
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var choice = store.Read(parsed);
            if (StoreFactory.Problem(choice, needsPersistence: false) is { } storeProblem)
            {
                return SwitchboardCli.Misuse(error, storeProblem);
            }

            var listen = parsed.GetValue(urls)!;
            foreach (var url in listen.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var parsedUrl) || parsedUrl.Scheme is not ("http" or "https"))
                {
                    return SwitchboardCli.Misuse(error, $"--urls: '{url}' is not an http:// or https:// URL (e.g. http://127.0.0.1:8080)");
                }
            }

            var (certificate, certificateProblem) = tls.Load(parsed);
            if (certificateProblem is not null)
            {
                return SwitchboardCli.Misuse(error, certificateProblem);
            }

            var definition = LoadDefinition(parsed.GetValue(config), error);
            if (definition is null)
            {
                return SwitchboardCli.ExitMisuse;
            }

            await using var stores = new StoreFactory();
            var options = new GatewayServerOptions
            {
                Urls = listen,
                Definition = definition,
                NodeId = parsed.GetValue(nodeId),
                JsonLogs = parsed.GetValue(logFormat) == "json",
                MinimumLogLevel = parsed.GetValue(logLevel),
                Certificate = certificate,
            };

            await using var host = GatewayHost.Create(options, services => stores.AddTo(services, choice));
            try
            {
                await host.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                return SwitchboardCli.Failure(error, $"cannot listen on {options.Urls}: {ex.Message}");
            }
            catch (InvalidOperationException ex) when (options.Urls.Contains("https://", StringComparison.OrdinalIgnoreCase))
            {
                // Kestrel's message names what is missing; say how to provide it.
                return SwitchboardCli.Misuse(error, $"cannot serve https: {ex.Message} Give --certificate FILE (a .pfx, or a PEM certificate with --certificate-key).");
            }

            await output.WriteLineAsync(Banner(host, definition)).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            await host.WaitForShutdownAsync(CancellationToken.None).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>The definition from <paramref name="path"/>, or the seed's; null (after printing every problem) when invalid.</summary>
    public static GatewayDefinition? LoadDefinition(string? path, TextWriter error)
    {
        if (path is null)
        {
            return SeedDefinition.Create();
        }

        var result = DefinitionLoader.Load(path);
        foreach (var problem in result.Errors)
        {
            error.WriteLine(problem.ToString());
        }

        return result.Definition;
    }

    private static string Banner(GatewayHost host, GatewayDefinition definition)
    {
        var address = host.Addresses.FirstOrDefault() ?? "";
        var webSocketBase = address.Replace("http://", "ws://", StringComparison.Ordinal).Replace("https://", "wss://", StringComparison.Ordinal);
        var stages = definition.WebSocketApis
            .SelectMany(api => api.Stages.Keys.Select(stage => webSocketBase + Routing.GatewayRuntime.StagePath(api.BasePath, stage)));
        return $"Switchboard listening on {string.Join(", ", host.Addresses)} | WebSocket stages: {string.Join(", ", stages)}";
    }
}
