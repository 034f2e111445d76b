using System.Globalization;
using System.Security.Cryptography;
using Switchboard.Access;
using Switchboard.Auth;
using Switchboard.Definition;
using Switchboard.RateLimiting;
using Switchboard.Redis;
using Switchboard.Registry;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Processes;

/// <summary>
/// The one-shot commands on <c>--store redis</c> against a real <c>redis-server</c>: they read and write what the
/// servers on that Redis use (checked here through the Redis stores themselves, on the default key prefix).
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class RedisKeysCliTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private const string SeedPlan = SeedDefinition.UsagePlanName;

    private string[] RedisArgs(string dataDir) => ["--store", "redis", "--redis", redis.Configuration, "--data-dir", dataDir];

    [Fact]
    public async Task KeysCreateAndList_WorkOnRedis_AndTheServersStoreFindsTheKey()
    {
        using var dir = new TempDirectory();
        var value = "redis-value-0123456789abcdef";
        var before = DateTimeOffset.UtcNow.AddSeconds(-2);

        var create = await Cli.RunAsync(["keys", "create", "--name", "redis-key", "--value", value, .. RedisArgs(dir.Path)]);
        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.Equal(value, create.Stdout.Trim());

        var list = await Cli.RunAsync(["keys", "list", .. RedisArgs(dir.Path)]);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.DoesNotContain(value, list.Stdout + list.Stderr, StringComparison.Ordinal);
        var row = Assert.Single(list.StdoutLines.Skip(1).Select(Columns), r => r[0] == "redis-key");
        Assert.Equal(SeedPlan, row[1]);
        Assert.InRange(DateTimeOffset.Parse(row[2], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind), before, DateTimeOffset.UtcNow.AddSeconds(2));

        await using var connection = await redis.ConnectAsync(RedisStoreConnection.DefaultKeyPrefix);
        Assert.Equal("redis-key", (await new RedisApiKeyStore(connection).FindByValueAsync(value))?.Name);

        var revoke = await Cli.RunAsync(["keys", "revoke", "redis-key", .. RedisArgs(dir.Path)]);
        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        Assert.Null(await new RedisApiKeyStore(connection).FindByValueAsync(value));
    }

    [Theory]
    [InlineData("keys", "list")]
    [InlineData("connections", "list")]
    [InlineData("serve", "--urls", "http://127.0.0.1:0")]
    public async Task StoreRedisWithoutRedis_ExitsTwo_SayingWhatIsMissing(params string[] command)
    {
        using var dir = new TempDirectory();

        var result = await Cli.RunAsync([.. command, "--store", "redis", "--data-dir", dir.Path], timeout: TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Equal(
            "switchboard: --store redis needs --redis (or SWITCHBOARD_REDIS): the Redis server(s) to use, as a StackExchange.Redis configuration, e.g. --redis 127.0.0.1:6379",
            Assert.Single(result.StderrLines));
    }

    [Fact]
    public async Task AMalformedRedisConfiguration_ExitsTwo_WithoutRepeatingIt()
    {
        using var dir = new TempDirectory();

        var result = await Cli.RunAsync(["keys", "list", "--store", "redis", "--redis", "127.0.0.1:1,password=hunter2,nosuchoption=1", "--data-dir", dir.Path]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("switchboard: --redis cannot be used: ", Assert.Single(result.StderrLines), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysUsage_OnRedis_ReadsTheCountTheServersTake()
    {
        using var dir = new TempDirectory();
        var create = await Cli.RunAsync(["keys", "create", "--name", "metered", .. RedisArgs(dir.Path)]);
        Assert.True(create.ExitCode == 0, create.ToString());

        await using var connection = await redis.ConnectAsync(RedisStoreConnection.DefaultKeyPrefix);
        var key = (await new RedisApiKeyStore(connection).ListAsync()).Single(k => k.Name == "metered");
        var window = UsagePlanSet.From(SeedDefinition.Create()).Find(SeedPlan)!.Quota!.WindowFor(key, DateTimeOffset.UtcNow);
        var counter = new RedisUsageCounter(connection);
        for (var i = 0; i < 3; i++)
        {
            await counter.TryTakeAsync(window.Counter, window.Allowed, window.End);
        }

        var usage = await Cli.RunAsync(["keys", "usage", "metered", .. RedisArgs(dir.Path)]);

        Assert.True(usage.ExitCode == 0, usage.ToString());
        Assert.Contains("used: 3", usage.StdoutLines);
    }

    [Fact]
    public async Task ConnectionsList_OnRedis_ShowsTheRowsNodesWrote()
    {
        using var dir = new TempDirectory();
        await using var connection = await redis.ConnectAsync(RedisStoreConnection.DefaultKeyPrefix);
        var connectedAt = new DateTimeOffset(2026, 12, 2, 12, 0, 0, 123, TimeSpan.Zero);
        await new RedisConnectionRegistry(connection).AddAsync(
            new ConnectionRecord("redisrow00000001", "chat", "dev", connectedAt, connectedAt, "192.0.2.7", null, "node-b:8080", "run-b"));

        var list = await Cli.RunAsync(["connections", "list", "--stage", "dev", .. RedisArgs(dir.Path)]);

        Assert.True(list.ExitCode == 0, list.ToString());
        var row = Assert.Single(list.StdoutLines.Skip(1).Select(Columns), r => r[0] == "redisrow00000001");
        Assert.Equal(["redisrow00000001", "chat", "dev", "2026-12-02T12:00:00.123Z", "192.0.2.7", "node-b:8080", "-"], row);
    }

    [Fact]
    public async Task CredentialsCreate_OnRedis_SealsWithTheSharedKey_AndAnotherKeyIsRefused()
    {
        using var dir = new TempDirectory();
        var sharedKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var environment = new Dictionary<string, string?> { [CredentialCipher.KeyVariable] = sharedKey };

        var create = await Cli.RunAsync(["credentials", "create", "--name", "redis-cred", .. RedisArgs(dir.Path)], environment);
        Assert.True(create.ExitCode == 0, create.ToString());
        var accessKeyId = create.StdoutLines[0]["AWS_ACCESS_KEY_ID=".Length..];
        var secret = create.StdoutLines[1]["AWS_SECRET_ACCESS_KEY=".Length..];

        await using var connection = await redis.ConnectAsync(RedisStoreConnection.DefaultKeyPrefix);
        var cipher = CredentialCipher.Open(dir.Path, name => name == CredentialCipher.KeyVariable ? sharedKey : null);
        Assert.Equal(secret, (await new RedisCredentialStore(connection, cipher).FindAsync(accessKeyId))?.SecretAccessKey);

        // No key in the environment: this CLI makes a credentials.key of its own, which the others do not have.
        var stranger = await Cli.RunAsync(["credentials", "create", "--name", "stranger", .. RedisArgs(dir.Path)]);
        Assert.True(stranger.ExitCode == 1, stranger.ToString());
        Assert.Contains("sealed with another credentials key", Assert.Single(stranger.StderrLines), StringComparison.Ordinal);

        var revoke = await Cli.RunAsync(["credentials", "revoke", "redis-cred", .. RedisArgs(dir.Path)], environment);
        Assert.True(revoke.ExitCode == 0, revoke.ToString());
    }

    private static string[] Columns(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
