using StackExchange.Redis;

namespace Switchboard.Redis;

/// <summary>
/// The Redis connection of one process: one <see cref="ConnectionMultiplexer"/> shared by every Redis store and the
/// backplane (StackExchange.Redis pipelines all callers over it; one per process is how it is meant to be used), and
/// this deployment's key prefix. The prefix is a hash tag (<c>{switchboard}:</c>), so every key of the store lands in
/// one Redis Cluster slot and the stores' multi-key scripts run on a cluster as on a single server.
/// </summary>
/// <remarks>
/// Connecting never fails because Redis is down (<c>AbortOnConnectFail = false</c>): a node starts, its store calls
/// fail (and <c>/readyz</c> says so) until Redis answers, and the multiplexer reconnects by itself.
/// </remarks>
public sealed class RedisStoreConnection : IAsyncDisposable, IDisposable
{
    /// <summary>The prefix name when none is given: keys are <c>{switchboard}:...</c>.</summary>
    public const string DefaultKeyPrefix = "switchboard";

    private readonly ConnectionMultiplexer _multiplexer;

    private RedisStoreConnection(ConnectionMultiplexer multiplexer, string keyPrefix)
    {
        _multiplexer = multiplexer;
        KeyPrefix = "{" + keyPrefix + "}:";
        Database = multiplexer.GetDatabase();
    }

    /// <summary>What every key of this store starts with: the prefix name as a hash tag and a colon, e.g. <c>{switchboard}:</c>.</summary>
    public string KeyPrefix { get; }

    public IConnectionMultiplexer Multiplexer => _multiplexer;

    public IDatabase Database { get; }

    /// <summary>
    /// Connects with a StackExchange.Redis configuration string (<c>host:port[,option=value...]</c>). Returns while
    /// Redis is still unreachable; throws <see cref="ArgumentException"/> for a malformed configuration or prefix.
    /// </summary>
    /// <param name="configuration">e.g. <c>127.0.0.1:6379</c> or <c>redis-a:6379,redis-b:6379,password=...,ssl=true</c>.</param>
    /// <param name="keyPrefix">The prefix name, without braces: deployments sharing one Redis use different ones.</param>
    public static RedisStoreConnection Connect(string configuration, string keyPrefix = DefaultKeyPrefix) =>
        new(ConnectionMultiplexer.Connect(Options(configuration, keyPrefix)), keyPrefix);

    /// <inheritdoc cref="Connect"/>
    public static async Task<RedisStoreConnection> ConnectAsync(string configuration, string keyPrefix = DefaultKeyPrefix) =>
        new(await ConnectionMultiplexer.ConnectAsync(Options(configuration, keyPrefix)).ConfigureAwait(false), keyPrefix);

    /// <summary>
    /// What is wrong with <paramref name="configuration"/>, or null when it can be used. The text never repeats the
    /// configuration, which may hold a password.
    /// </summary>
    public static string? ConfigurationProblem(string configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        try
        {
            return ConfigurationOptions.Parse(configuration).EndPoints.Count == 0
                ? "it names no server; expected HOST:PORT, e.g. 127.0.0.1:6379"
                : null;
        }
        catch (ArgumentException ex)
        {
            return $"it is not a StackExchange.Redis configuration (HOST:PORT[,option=value...]): {ex.Message}";
        }
    }

    /// <summary>The full key for <paramref name="name"/>: <see cref="KeyPrefix"/> followed by it.</summary>
    public RedisKey Key(string name) => new(KeyPrefix + name);


    public async ValueTask DisposeAsync() => await _multiplexer.DisposeAsync().ConfigureAwait(false);

    /// <summary>For a container disposed synchronously; closes the multiplexer as <see cref="DisposeAsync"/> does.</summary>
    public void Dispose() => _multiplexer.Dispose();

    private static ConfigurationOptions Options(string configuration, string keyPrefix)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(keyPrefix);
        if (keyPrefix.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            throw new ArgumentException($"The key prefix '{keyPrefix}' must not contain '{{' or '}}': it is put inside a hash tag.", nameof(keyPrefix));
        }

        if (ConfigurationProblem(configuration) is { } problem)
        {
            throw new ArgumentException($"The Redis configuration cannot be used: {problem}", nameof(configuration));
        }

        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        // While Redis is unreachable a command fails at once instead of waiting in the multiplexer's backlog: callers
        // answer 503 straight away, and an outage grows no queue (docs/clustering.md).
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ClientName ??= "switchboard";
        return options;
    }
}
