using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Access;
using Switchboard.Auth;
using Switchboard.Cli;
using Switchboard.Groups;
using Switchboard.RateLimiting;
using Switchboard.Redis;
using Switchboard.Redis.Backplane;
using Switchboard.Registry;
using Switchboard.Sqlite;

namespace Switchboard.Stores;

/// <summary>Opens the store the user picked, for the server (as services) or for a CLI command (directly).</summary>
internal sealed class StoreFactory : IAsyncDisposable
{
    private readonly List<object> _opened = [];
    private SqliteDatabase? _database;
    private RedisStoreConnection? _redis;

    /// <summary>Why the choice cannot be used, or null.</summary>
    public static string? Problem(StoreChoice choice, bool needsPersistence) => choice.Kind switch
    {
        "sqlite" or "redis" when CredentialCipher.KeyProblem(Environment.GetEnvironmentVariable) is { } keyProblem => keyProblem,
        "redis" when string.IsNullOrWhiteSpace(choice.Redis) =>
            "--store redis needs --redis (or SWITCHBOARD_REDIS): the Redis server(s) to use, as a StackExchange.Redis configuration, e.g. --redis 127.0.0.1:6379",
        "redis" when RedisStoreConnection.ConfigurationProblem(choice.Redis!) is { } redisProblem => $"--redis cannot be used: {redisProblem}",
        "memory" when needsPersistence => "--store memory lives inside one server process; this command needs --store sqlite or --store redis",
        _ => null,
    };

    /// <summary>Registers the registry, key store, group store, credential store and usage counters for a server.</summary>
    public void AddTo(IServiceCollection services, StoreChoice choice)
    {
        switch (choice.Kind)
        {
            case "memory":
                services.AddSingleton<IConnectionRegistry, InMemoryConnectionRegistry>();
                services.AddSingleton<IApiKeyStore, InMemoryApiKeyStore>();
                services.AddSingleton<IGroupStore, InMemoryGroupStore>();
                services.AddSingleton<ICredentialStore, InMemoryCredentialStore>();
                services.AddSingleton<IUsageCounter, InMemoryUsageCounter>();
                return;
            case "redis":
                AddRedisTo(services, choice);
                return;
            default:
                AddSqliteTo(services, choice);
                return;
        }
    }

    /// <summary>The credentials, their secrets sealed with the key from the environment or the data directory.</summary>
    public ICredentialStore OpenCredentials(StoreChoice choice) => choice.Kind == "redis"
        ? new RedisCredentialStore(Redis(choice), OpenCipher(choice))
        : new SqliteCredentialStore(Database(choice), OpenCipher(choice));

    public IApiKeyStore OpenKeys(StoreChoice choice) => choice.Kind == "redis"
        ? new RedisApiKeyStore(Redis(choice))
        : new SqliteApiKeyStore(Database(choice));

    /// <summary>Quota counters; closed with this factory.</summary>
    public IUsageCounter OpenUsage(StoreChoice choice) => choice.Kind == "redis"
        ? new RedisUsageCounter(Redis(choice))
        : Track(new SqliteUsageCounter(Database(choice)));

    /// <summary>The connection registry; closed with this factory.</summary>
    public IConnectionRegistry OpenRegistry(StoreChoice choice) => choice.Kind == "redis"
        ? new RedisConnectionRegistry(Redis(choice))
        : Track(new SqliteConnectionRegistry(Database(choice), NullLogger<SqliteConnectionRegistry>.Instance));

    /// <summary>Closes what the commands opened: the stores first (the SQLite registry commits queued writes), then the database and Redis.</summary>
    public async ValueTask DisposeAsync()
    {
        for (var i = _opened.Count - 1; i >= 0; i--)
        {
            switch (_opened[i])
            {
                case IAsyncDisposable asynchronous:
                    await asynchronous.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable synchronous:
                    synchronous.Dispose();
                    break;
                default:
                    break;
            }
        }

        _database?.Dispose();
        if (_redis is not null)
        {
            await _redis.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void AddRedisTo(IServiceCollection services, StoreChoice choice)
    {
        // One multiplexer for the process, owned by the container (disposed with the host after the stores that use
        // it), and registered itself so the backplane can share it.
        services.AddSingleton(_ => RedisStoreConnection.Connect(choice.Redis!));
        services.AddSingleton<IConnectionRegistry>(provider => new RedisConnectionRegistry(
            provider.GetRequiredService<RedisStoreConnection>(), provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IApiKeyStore>(provider => new RedisApiKeyStore(
            provider.GetRequiredService<RedisStoreConnection>(), provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IGroupStore>(provider => new RedisGroupStore(provider.GetRequiredService<RedisStoreConnection>()));
        services.AddSingleton<ICredentialStore>(provider => new RedisCredentialStore(
            provider.GetRequiredService<RedisStoreConnection>(),
            OpenCipher(choice),
            provider.GetRequiredService<ILogger<RedisCredentialStore>>()));
        services.AddSingleton<IUsageCounter>(provider => new RedisUsageCounter(
            provider.GetRequiredService<RedisStoreConnection>(), provider.GetRequiredService<TimeProvider>()));

        // Nodes sharing one Redis act as one gateway: sends reach connections on every node.
        services.AddRedisBackplane();
    }

    private void AddSqliteTo(IServiceCollection services, StoreChoice choice)
    {
        var database = Database(choice);
        services.AddSingleton<IConnectionRegistry>(provider => new SqliteConnectionRegistry(
            database, provider.GetRequiredService<ILogger<SqliteConnectionRegistry>>()));
        services.AddSingleton<IApiKeyStore>(_ => new SqliteApiKeyStore(database));
        services.AddSingleton<IGroupStore>(_ => new SqliteGroupStore(database));
        services.AddSingleton<ICredentialStore>(provider => new SqliteCredentialStore(
            database,
            OpenCipher(choice),
            provider.GetRequiredService<ILogger<SqliteCredentialStore>>()));
        services.AddSingleton<IUsageCounter>(provider => new SqliteUsageCounter(database, provider.GetRequiredService<TimeProvider>()));
    }

    /// <summary>
    /// The same key rule for every store: <c>SWITCHBOARD_CREDENTIALS_KEY</c>, else <c>credentials.key</c> in the data
    /// directory (created when missing). Nodes sharing a Redis must all have the same key.
    /// </summary>
    private static CredentialCipher OpenCipher(StoreChoice choice) => CredentialCipher.Open(choice.DataDir, Environment.GetEnvironmentVariable);

    private SqliteDatabase Database(StoreChoice choice) => _database ??= SqliteDatabase.Open(choice.DataDir);

    private RedisStoreConnection Redis(StoreChoice choice) => _redis ??= RedisStoreConnection.Connect(choice.Redis!);

    private T Track<T>(T store)
        where T : class
    {
        _opened.Add(store);
        return store;
    }
}
