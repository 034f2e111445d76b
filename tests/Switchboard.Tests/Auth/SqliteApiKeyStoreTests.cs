using System.Text;
using Switchboard.Auth;
using Switchboard.Sqlite;
using Switchboard.Tests.Registry;

namespace Switchboard.Tests.Auth;

public sealed class SqliteApiKeyStoreTests : ApiKeyStoreContractTests
{
    private readonly TempDataDirectory _directory = new();
    private readonly List<SqliteDatabase> _databases = [];

    protected override Task<IApiKeyStore> CreateAsync(TimeProvider timeProvider) =>
        Task.FromResult<IApiKeyStore>(new SqliteApiKeyStore(OpenDatabase(), timeProvider));

    protected override Task DisposeStoreAsync()
    {
        foreach (var database in _databases)
        {
            database.Dispose();
        }

        _directory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Keys_SurviveReopeningTheStore()
    {
        var value = ApiKeyHash.Generate();
        var created = await Within(Store.CreateAsync("mobile", value, "gold"));
        foreach (var database in _databases)
        {
            database.Dispose();
        }

        var reopened = new SqliteApiKeyStore(OpenDatabase());

        Assert.Equal(created, await Within(reopened.FindByValueAsync(value)));
        Assert.Equal([created], await Within(reopened.ListAsync()));
    }

    [Fact]
    public async Task TwoStoresOnOneDirectory_SeeEachOthersChangesAtOnce()
    {
        // Stands in for the server and the keys CLI: separate handles on the same file.
        var other = new SqliteApiKeyStore(OpenDatabase());
        var value = ApiKeyHash.Generate();

        await Within(other.CreateAsync("cli-made", value, plan: null));
        Assert.Equal("cli-made", (await Within(Store.FindByValueAsync(value)))!.Name);

        await Assert.ThrowsAsync<ApiKeyConflictException>(() => Within(Store.CreateAsync("cli-made", ApiKeyHash.Generate(), plan: null)));

        Assert.True(await Within(other.RevokeAsync("cli-made")));
        Assert.Null(await Within(Store.FindByValueAsync(value)));
    }

    [Fact]
    public async Task StoresOpenedTogetherOnANewDirectory_AgreeOnOneSalt()
    {
        using var fresh = new TempDataDirectory();
        var opened = await Task.WhenAll(Enumerable.Range(0, 4)
            .Select(_ => Task.Run(() => new SqliteApiKeyStore(OpenDatabase(fresh.Path))))).WaitAsync(Timeout);
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

        foreach (var database in _databases)
        {
            database.Dispose();
        }
    }

    [Fact]
    public async Task DatabaseFiles_NeverContainTheKeyValue()
    {
        var value = ApiKeyHash.Generate();
        await Within(Store.CreateAsync("mobile", value, "gold"));
        Assert.NotNull(await Within(Store.FindByValueAsync(value)));

        // Every file SQLite wrote (database, WAL, shared memory), read while the store is still open.
        var files = Directory.GetFiles(_directory.Path);
        Assert.Contains(files, f => f.EndsWith("switchboard.db", StringComparison.Ordinal));
        foreach (var file in files)
        {
            var bytes = ReadShared(file);
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(value)) < 0, $"{file} holds the key value (UTF-8).");
            Assert.True(bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(value)) < 0, $"{file} holds the key value (UTF-16).");
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(value[..12])) < 0, $"{file} holds part of the key value.");
        }

        Assert.Contains(files, f => ReadShared(f).AsSpan().IndexOf("mobile"u8) >= 0);
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private SqliteDatabase OpenDatabase(string? path = null)
    {
        var database = SqliteDatabase.Open(path ?? _directory.Path);
        lock (_databases)
        {
            _databases.Add(database);
        }

        return database;
    }
}
