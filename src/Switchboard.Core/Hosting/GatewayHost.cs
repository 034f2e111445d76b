using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Connections;
using Switchboard.Delivery;
using Switchboard.Groups;
using Switchboard.Integrations.Backend;
using Switchboard.Integrations.Catalog;
using Switchboard.Management;
using Switchboard.Operations;
using Switchboard.Registry;
using Switchboard.Rest;
using Switchboard.Routing;

namespace Switchboard.Hosting;

/// <summary>
/// Builds and starts a gateway process on Kestrel. The store is plugged in by the caller (the <c>addStore</c> callback of <see cref="Create"/>
/// registers <see cref="IConnectionRegistry"/>, <see cref="Auth.IApiKeyStore"/>, <see cref="IGroupStore"/>, <see cref="Access.ICredentialStore"/> and <see cref="RateLimiting.IUsageCounter"/>), so the core never references SQLite
/// or Redis.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayHost(WebApplication app) => _app = app;

    /// <summary>The addresses the server listens on, with real ports (known after <see cref="StartAsync"/>).</summary>
    public IReadOnlyList<string> Addresses =>
        _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    public IServiceProvider Services => _app.Services;

    /// <summary>Kestrel's <c>MaxRequestBufferSize</c>: the most a connection's transport reads ahead of its parser.</summary>
    public const int TransportReadAheadBytes = 64 * 1024;

    public static GatewayHost Create(GatewayServerOptions options, Action<IServiceCollection> addStore)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        // The slim builder leaves HTTPS out; this brings back Kestrel's certificate configuration
        // (Kestrel__Certificates__Default__Path and __Password, or __KeyPath for PEM).
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.UseUrls(options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        // Socket completions run inline instead of hopping to Kestrel's IO queue: a flush of a connection's frames
        // reaches send() on the same thread. Safe here because nothing on the message path blocks a thread.
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // A head that has not arrived whole in time is closed on the HTTP path as on the raw-socket path.
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(options.Definition.Limits.HandshakeTimeoutSeconds);
            // What the transport reads ahead of the receive loop before it stops reading the socket (TCP backpressure).
            // Frame payload is copied into the message as it arrives, so frames need not fit here: a small buffer
            // bounds what a client whose messages wait for a backend can make the server hold (docs/security.md).
            kestrel.Limits.MaxRequestBufferSize = TransportReadAheadBytes;
            // TLS 1.2 and 1.3 only, as API Gateway accepts; the certificate from --certificate when given.
            kestrel.ConfigureHttpsDefaults(https =>
            {
                https.SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
                if (options.Certificate is { } certificate)
                {
                    https.ServerCertificate = certificate;
                }
            });
            kestrel.ConfigureEndpointDefaults(listen => listen.Use(next =>
            {
                var middleware = listen.ApplicationServices.GetRequiredService<WebSocketConnectionMiddleware>();
                return connection => middleware.OnConnectionAsync(connection, next);
            }));
        });
        builder.Services.Configure<HostOptions>(host =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(options.Definition.Limits.ShutdownDrainSeconds + 5));

        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(options.MinimumLogLevel);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        // With this logger enabled at any level, hosting starts an Activity per request, which a WebSocket keeps
        // for its whole life (about 200 bytes each). Request logs are not what this gateway's logs are for.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        if (options.JsonLogs)
        {
            builder.Logging.AddJsonConsole(json => json.TimestampFormat = "O");
        }
        else
        {
            builder.Logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss.fff ";
            });
        }

        var services = builder.Services;
        services.AddSingleton(options.Time);
        services.AddSingleton(new NodeIdentity(options.NodeId));
        services.AddSingleton(new MessageAssemblyBudget(options.Definition.Limits.MessageAssemblyBudgetBytes));
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<GatewayLifecycle>();
        services.AddSingleton<ConnectionTable>();
        services.AddSingleton<ConnectionAdmission>();
        services.AddSingleton<LocalGroups>();
        services.AddSingleton<LocalMessageDelivery>();
        services.AddSingleton<GroupMembership>();
        services.AddSingleton<OrphanDisconnects>();
        services.AddSingleton<LiveConnectionRows>();
        services.AddSingleton<BackendClient>();
        services.AddSingleton(IntegrationCatalog.Default);
        services.AddSingleton(provider => new IntegrationServices(
            provider.GetRequiredService<IMessageDelivery>(),
            provider.GetRequiredService<RegistryWrites>(),
            provider.GetRequiredService<GroupMembership>(),
            provider.GetRequiredService<NodeIdentity>(),
            provider.GetRequiredService<BackendClient>(),
            options.Environment,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<GatewayRuntimeBuilder>();
        services.AddSingleton(provider => new GatewayRuntimeHolder(provider.GetRequiredService<GatewayRuntimeBuilder>().Build(options.Definition)));
        services.AddSingleton<MessageRouter>();
        services.AddSingleton<WebSocketSessions>();
        services.AddSingleton<RawHandshakes>();
        services.AddSingleton<Connections.Sockets.TlsPorts>();
        services.AddSingleton<WebSocketConnectionMiddleware>();

        // Registered after UseSockets, so Kestrel binds TCP endpoints with it: WebSocket handshakes on plain HTTP then
        // own their sockets (docs/architecture.md, "Connections own their sockets"); the rest reaches Kestrel unchanged.
        services.AddSingleton<Microsoft.AspNetCore.Connections.IConnectionListenerFactory, Connections.Sockets.SocketListenerFactory>();
        services.AddSingleton<WebSocketEndpoint>();
        services.AddSingleton<ConnectionsEndpoint>();
        services.AddSingleton<StageEndpoint>();
        services.AddSingleton(provider => new Access.CredentialLookup(
            Access.CredentialLookup.ReadEnvironment(options.Environment, options.Time.GetUtcNow()), provider.GetRequiredService<Access.ICredentialStore>()));
        services.AddSingleton<Access.SigV4Verifier>();
        services.AddSingleton<ManagementAccess>();
        services.AddSingleton<RateLimiting.ThrottleBuckets>();
        services.AddSingleton<RateLimiting.UsagePlanGate>();
        services.AddSingleton<RestEndpoint>();
        services.AddSingleton<GatewayRequestHandler>();
        services.AddSingleton<StoreHealth>();
        services.AddSingleton<PendingRemovals>();
        services.AddSingleton<RegistryWrites>();
        services.AddSingleton<DeadRunCleanup>();
        services.AddSingleton<RunLiveness>();

        // Their StopAsync runs after GatewayShutdown's drain (its StoppingAsync), so RunLiveness removes this run's rows
        // only once every connection's own clean-up has had its time.
        services.AddHostedService(provider => provider.GetRequiredService<RunLiveness>());
        services.AddHostedService<StoreRecovery>();
        services.AddSingleton<ConnectionSweeper>();
        services.AddHostedService(provider => provider.GetRequiredService<ConnectionSweeper>());
        services.AddHostedService<GatewayShutdown>();
        addStore(services);

        // A host that plugs in no group store or usage counter still starts: memberships and quota counts then live in
        // this process only.
        services.TryAddSingleton<IGroupStore, InMemoryGroupStore>();
        services.TryAddSingleton<Access.ICredentialStore, Access.InMemoryCredentialStore>();
        services.TryAddSingleton<RateLimiting.IUsageCounter, RateLimiting.InMemoryUsageCounter>();

        // One node delivers to its own sockets; a cluster store (Redis) registers its backplane instead.
        services.TryAddSingleton<IMessageDelivery>(provider => provider.GetRequiredService<LocalMessageDelivery>());

        var app = builder.Build();
        var handler = app.Services.GetRequiredService<GatewayRequestHandler>();
        app.Run(handler.HandleAsync);
        return new GatewayHost(app);
    }

    /// <summary>
    /// Starts listening, then names the node (host name and the first bound port, unless configured), sends this run's
    /// first heartbeat and removes the rows of runs that ended without cleaning up (<see cref="RunLiveness.StartRunAsync"/>),
    /// and only then accepts handshakes.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        // Compile the definition before the first request, so a bad secret or expression fails the start, not a client.
        _ = _app.Services.GetRequiredService<GatewayRuntimeHolder>();
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);

        var node = _app.Services.GetRequiredService<NodeIdentity>();
        var first = Addresses.FirstOrDefault();
        node.SetDefault($"{Dns.GetHostName()}:{(first is null ? 0 : new Uri(first).Port)}");
        await _app.Services.GetRequiredService<RunLiveness>().StartRunAsync(cancellationToken).ConfigureAwait(false);
        _app.Services.GetRequiredService<GatewayLifecycle>().StartAccepting();

        var credentials = _app.Services.GetRequiredService<Access.CredentialLookup>();
        if (credentials.FromEnvironment is null && (await credentials.Store.ListAsync(cancellationToken).ConfigureAwait(false)).Count == 0)
        {
            _app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Switchboard").LogWarning(
                "The management API (@connections, @groups) takes SigV4-signed calls and no credential exists yet, so it refuses every call: "
                + "create one with 'switchboard credentials create --name NAME' (the same --data-dir), or set {AccessKeyVariable} and {SecretVariable}",
                Access.CredentialLookup.AccessKeyVariable,
                Access.CredentialLookup.SecretVariable);
        }
    }

    /// <summary>Waits until the process is asked to stop (SIGINT, SIGTERM) or <paramref name="cancellationToken"/> fires, then stops cleanly.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
