using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Auth;
using Switchboard.Definition;
using Switchboard.Groups;
using Switchboard.Hosting;
using Switchboard.RateLimiting;
using Switchboard.Registry;
using Switchboard.Sqlite;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// A real gateway in this process, on a free loopback port, with a real store. Tests talk to it with
/// <see cref="ClientWebSocket"/> and <see cref="HttpClient"/> only.
/// </summary>
public sealed class GatewayServer : IAsyncDisposable
{
    private readonly GatewayHost _host;
    private readonly SqliteDatabase? _database;
    private readonly TempDirectory? _ownedDirectory;

    private GatewayServer(GatewayHost host, SqliteDatabase? database, TempDirectory? ownedDirectory, TestClock? clock, AspnetBackend.ManagementCredentials credentials)
    {
        _host = host;
        Clock = clock;
        _database = database;
        _ownedDirectory = ownedDirectory;
        BaseAddress = new Uri(host.Addresses.First(a => a.StartsWith("http", StringComparison.Ordinal)));
        Credentials = credentials;
        Http = new HttpClient(new ManagementSigning.Handler(credentials, clock is null ? null : () => clock.GetUtcNow().UtcDateTime)) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri BaseAddress { get; }

    /// <summary>What <see cref="Http"/> signs management calls with: the server's environment credential.</summary>
    public AspnetBackend.ManagementCredentials Credentials { get; }

    /// <summary>The clock the server runs on when the test passed a <see cref="TestClock"/>.</summary>
    public TestClock? Clock { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _host.Services;

    public IApiKeyStore ApiKeys => Services.GetRequiredService<IApiKeyStore>();

    public IConnectionRegistry Registry => Services.GetRequiredService<IConnectionRegistry>();

    public IUsageCounter UsageCounter => Services.GetRequiredService<IUsageCounter>();

    /// <summary>
    /// Starts a server. <paramref name="dataDir"/> selects the SQLite store (a fresh temp dir when <paramref name="sqlite"/> is set); otherwise memory.
    /// <paramref name="logs"/> receives everything the server logs from Information up.
    /// </summary>
    public static async Task<GatewayServer> StartAsync(
        GatewayDefinition? definition = null,
        bool sqlite = false,
        string? dataDir = null,
        IReadOnlyDictionary<string, string>? environment = null,
        TimeProvider? time = null,
        string? nodeId = null,
        string urls = "http://127.0.0.1:0",
        System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null,
        CapturedLogs? logs = null)
    {
        TempDirectory? owned = null;
        SqliteDatabase? database = null;
        if (sqlite || dataDir is not null)
        {
            if (dataDir is null)
            {
                owned = new TempDirectory();
                dataDir = owned.Path;
            }

            database = SqliteDatabase.Open(dataDir);
        }

        var options = new GatewayServerOptions
        {
            Urls = urls,
            Certificate = certificate,
            Definition = definition ?? SeedDefinition.Create(),
            NodeId = nodeId,
            // The test credential signs management calls (ManagementSigning) unless the test gives its own.
            Environment = name => environment is not null && environment.TryGetValue(name, out var value) ? value : name switch
            {
                Access.CredentialLookup.AccessKeyVariable => ManagementSigning.AccessKeyId,
                Access.CredentialLookup.SecretVariable => ManagementSigning.SecretAccessKey,
                _ => null,
            },
            MinimumLogLevel = logs is null ? Microsoft.Extensions.Logging.LogLevel.Warning : Microsoft.Extensions.Logging.LogLevel.Information,
            Time = time ?? TimeProvider.System,
        };

        var host = GatewayHost.Create(options, services =>
        {
            if (logs is not null)
            {
                services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs);
            }

            if (database is null)
            {
                services.AddSingleton<IConnectionRegistry, InMemoryConnectionRegistry>();
                services.AddSingleton<IApiKeyStore, InMemoryApiKeyStore>();
                services.AddSingleton<IGroupStore, InMemoryGroupStore>();
            }
            else
            {
                services.AddSingleton<IConnectionRegistry>(p => new SqliteConnectionRegistry(
                    database, p.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SqliteConnectionRegistry>>()));
                services.AddSingleton<IApiKeyStore>(_ => new SqliteApiKeyStore(database));
                services.AddSingleton<IGroupStore>(_ => new SqliteGroupStore(database));
                services.AddSingleton<IUsageCounter>(p => new SqliteUsageCounter(database, p.GetRequiredService<TimeProvider>()));
            }
        });
        await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return new GatewayServer(host, database, owned, time as TestClock, new AspnetBackend.ManagementCredentials(
            options.Environment(Access.CredentialLookup.AccessKeyVariable) ?? "none",
            options.Environment(Access.CredentialLookup.SecretVariable) ?? "none",
            null,
            "us-east-1"));
    }

    public Uri WebSocketUri(string stage = "dev", string basePath = "") =>
        new($"ws://{BaseAddress.Authority}/{(basePath.Length == 0 ? "" : basePath + "/")}{stage}");

    /// <summary>Opens a WebSocket to a stage; the returned client is connected.</summary>
    public async Task<TestWebSocket> ConnectAsync(string stage = "dev", string basePath = "")
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await socket.ConnectAsync(WebSocketUri(stage, basePath), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        return new TestWebSocket(socket);
    }

    /// <summary>Creates an API key in the server's store and returns its value.</summary>
    public async Task<string> CreateKeyAsync(string name, string? plan = null)
    {
        var value = ApiKeyHash.Generate();
        await ApiKeys.CreateAsync(name, value, plan);
        return value;
    }

    /// <summary>
    /// Moves the server's <see cref="TestClock"/> forward, then runs one pass of the connection sweeper (idle,
    /// lifetime, keep-alive and assembly deadlines) at the new time, so its effects have begun when this returns.
    /// </summary>
    public void AdvanceAndSweep(TimeSpan by)
    {
        var clock = Clock ?? throw new InvalidOperationException("start the server with a TestClock to move its time");
        clock.Advance(by);
        Services.GetRequiredService<Switchboard.Connections.ConnectionSweeper>().Sweep(clock.GetTimestamp());
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var stopped = new CancellationTokenSource();
        // A stop waits on the server's clock (drain polling, close deadlines); a hand-moved clock is kept moving.
        var pump = Clock is { } clock ? Task.Run(async () =>
        {
            while (!stopped.IsCancellationRequested)
            {
                clock.Advance(TimeSpan.FromMilliseconds(100));
                await Task.Delay(5);
            }
        }) : Task.CompletedTask;
        try
        {
            await _host.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            stopped.Cancel();
            await pump;
            await _host.DisposeAsync();
            _database?.Dispose();
            _ownedDirectory?.Dispose();
        }
    }
}
