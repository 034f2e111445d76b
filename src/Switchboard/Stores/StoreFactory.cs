using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Access;
using Switchboard.Auth;
using Switchboard.Cli;
using Switchboard.Groups;
using Switchboard.RateLimiting;
using Switchboard.Registry;
using Switchboard.Sqlite;

namespace Switchboard.Stores;

/// <summary>Opens the store the user picked, for the server (as services) or for a CLI command (directly).</summary>
internal sealed class StoreFactory : IAsyncDisposable
{
    private SqliteDatabase? _database;

    /// <summary>Why the choice cannot be used, or null.</summary>
    public static string? Problem(StoreChoice choice, bool needsPersistence) => choice.Kind switch
    {
        "sqlite" when CredentialCipher.KeyProblem(Environment.GetEnvironmentVariable) is { } keyProblem => keyProblem,
        "redis" => "--store redis is not available in this build yet; use --store sqlite (default) or --store memory",
        "memory" when needsPersistence => "--store memory lives inside one server process; this command needs --store sqlite",
        _ => null,
    };

    /// <summary>Registers the registry, key store, group store, credential store and usage counters for a server.</summary>
    public void AddTo(IServiceCollection services, StoreChoice choice)
    {
        if (choice.Kind == "memory")
        {
            services.AddSingleton<IConnectionRegistry, InMemoryConnectionRegistry>();
            services.AddSingleton<IApiKeyStore, InMemoryApiKeyStore>();
            services.AddSingleton<IGroupStore, InMemoryGroupStore>();
            services.AddSingleton<ICredentialStore, InMemoryCredentialStore>();
            services.AddSingleton<IUsageCounter, InMemoryUsageCounter>();
            return;
        }

        var database = Database(choice);
        services.AddSingleton<IConnectionRegistry>(provider => new SqliteConnectionRegistry(
            database, provider.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SqliteConnectionRegistry>>()));
        services.AddSingleton<IApiKeyStore>(_ => new SqliteApiKeyStore(database));
        services.AddSingleton<IGroupStore>(_ => new SqliteGroupStore(database));
        services.AddSingleton<ICredentialStore>(provider => new SqliteCredentialStore(
            Database(choice),
            CredentialCipher.Open(choice.DataDir, Environment.GetEnvironmentVariable),
            provider.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SqliteCredentialStore>>()));
        services.AddSingleton<IUsageCounter>(provider => new SqliteUsageCounter(database, provider.GetRequiredService<TimeProvider>()));
    }

    /// <summary>The credentials, their secrets sealed with the key from the environment or the data directory.</summary>
    public ICredentialStore OpenCredentials(StoreChoice choice) =>
        new SqliteCredentialStore(Database(choice), CredentialCipher.Open(choice.DataDir, Environment.GetEnvironmentVariable));

    public IApiKeyStore OpenKeys(StoreChoice choice) => new SqliteApiKeyStore(Database(choice));

    public SqliteUsageCounter OpenUsage(StoreChoice choice) => new(Database(choice));

    public SqliteConnectionRegistry OpenRegistry(StoreChoice choice) =>
        new(Database(choice), NullLogger<SqliteConnectionRegistry>.Instance);

    private SqliteDatabase Database(StoreChoice choice) => _database ??= SqliteDatabase.Open(choice.DataDir);

    public ValueTask DisposeAsync()
    {
        _database?.Dispose();
        return ValueTask.CompletedTask;
    }
}
