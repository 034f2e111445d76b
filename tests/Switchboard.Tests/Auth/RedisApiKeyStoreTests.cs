using System.Text;
using StackExchange.Redis;
using Switchboard.Auth;
using Switchboard.Redis;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Auth;

public sealed class RedisApiKeyStoreTests(RedisServer redis) : ApiKeyStoreContractTests, IClassFixture<RedisServer>
{
    private readonly string _prefix = RedisServer.NewKeyPrefix();
    private readonly List<RedisStoreConnection> _connections = [];

    protected override async Task<IApiKeyStore> CreateAsync(TimeProvider timeProvider) => new RedisApiKeyStore(await ConnectAsync(), timeProvider);

    protected override async Task DisposeStoreAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task TwoNodesOnOneRedis_SeeEachOthersChangesAtOnce()
    {
        // Stands in for another node, or the keys CLI: a multiplexer of its own on the same Redis and prefix.
        var other = new RedisApiKeyStore(await ConnectAsync());
        var value = ApiKeyHash.Generate();

        await Within(other.CreateAsync("cli-made", value, plan: "gold"));
        Assert.Equal("cli-made", (await Within(Store.FindByValueAsync(value)))!.Name);
        await Assert.ThrowsAsync<ApiKeyConflictException>(() => Within(Store.CreateAsync("cli-made", ApiKeyHash.Generate(), plan: null)));

        Assert.True(await Within(other.RevokeAsync("cli-made")));
        Assert.Null(await Within(Store.FindByValueAsync(value)));
    }

    [Fact]
    public async Task StoresOpenedTogetherOnAnEmptyRedis_AgreeOnOneSalt()
    {
        var prefix = RedisServer.NewKeyPrefix();
        var opened = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ => new RedisApiKeyStore(await ConnectAsync(prefix)))).WaitAsync(Timeout);
        var values = await Task.WhenAll(opened.Select(async (store, i) =>
        {
            var value = ApiKeyHash.Generate();
            await store.CreateAsync($"key{i}", value, plan: null);
            return value;
        })).WaitAsync(Timeout);

        foreach (var store in opened)
        {
            for (var i = 0; i < values.Length; i++)
            {
                Assert.Equal($"key{i}", (await Within(store.FindByValueAsync(values[i])))!.Name);
            }
        }
    }

    [Fact]
    public async Task AfterRedisLostItsData_AStoreThatCachedTheOldSalt_UsesTheNewOne()
    {
        await Within(Store.CreateAsync("before", ApiKeyHash.Generate(), plan: null));
        var connection = _connections[0];
        foreach (var key in connection.Multiplexer.GetServers().Single().Keys(pattern: connection.KeyPrefix + "*"))
        {
            await connection.Database.KeyDeleteAsync(key);
        }

        // The CLI, after the restart: it makes a new salt.
        var cli = new RedisApiKeyStore(await ConnectAsync());
        var made = ApiKeyHash.Generate();
        await Within(cli.CreateAsync("after", made, plan: null));

        Assert.Equal("after", (await Within(Store.FindByValueAsync(made)))?.Name);
        var again = ApiKeyHash.Generate();
        await Within(Store.CreateAsync("again", again, plan: null));
        Assert.Equal("again", (await Within(cli.FindByValueAsync(again)))?.Name);
    }

    [Fact]
    public async Task Redis_NeverHoldsTheKeyValue()
    {
        var value = ApiKeyHash.Generate();
        await Within(Store.CreateAsync("mobile", value, "gold"));
        Assert.NotNull(await Within(Store.FindByValueAsync(value)));

        var stored = await StoredBytesAsync(_connections[0]);

        Assert.True(stored.AsSpan().IndexOf(Encoding.UTF8.GetBytes(value[..12])) < 0, "Redis holds the key value, or part of it.");
        Assert.True(stored.AsSpan().IndexOf("mobile"u8) >= 0, "the dump should hold the key's name");
    }

    [Fact]
    public async Task AnotherPrefix_IsAnotherStore()
    {
        var value = ApiKeyHash.Generate();
        await Within(Store.CreateAsync("mobile", value, plan: null));
        var elsewhere = new RedisApiKeyStore(await ConnectAsync(RedisServer.NewKeyPrefix()));

        Assert.Null(await Within(elsewhere.FindByValueAsync(value)));
        Assert.Empty(await Within(elsewhere.ListAsync()));
        await Within(elsewhere.CreateAsync("mobile", value, plan: null));
    }

    /// <summary>Every key, field and value under the store's prefix, concatenated.</summary>
    private static async Task<byte[]> StoredBytesAsync(RedisStoreConnection connection)
    {
        var all = new MemoryStream();
        foreach (var key in connection.Multiplexer.GetServers().Single().Keys(pattern: connection.KeyPrefix + "*"))
        {
            all.Write(Encoding.UTF8.GetBytes(key.ToString()));
            switch (await connection.Database.KeyTypeAsync(key))
            {
                case RedisType.String:
                    all.Write((byte[])(await connection.Database.StringGetAsync(key))!);
                    break;
                case RedisType.Hash:
                    foreach (var entry in await connection.Database.HashGetAllAsync(key))
                    {
                        all.Write((byte[])entry.Name!);
                        all.Write((byte[])entry.Value!);
                    }

                    break;
                case RedisType.Set:
                    foreach (var member in await connection.Database.SetMembersAsync(key))
                    {
                        all.Write((byte[])member!);
                    }

                    break;
                default:
                    break;
            }
        }

        return all.ToArray();
    }

    private async Task<RedisStoreConnection> ConnectAsync(string? prefix = null)
    {
        var connection = await redis.ConnectAsync(prefix ?? _prefix);
        lock (_connections)
        {
            _connections.Add(connection);
        }

        return connection;
    }
}
