using System.Security.Cryptography;
using System.Text;
using Switchboard.Access;
using Switchboard.Sqlite;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.AccessControl;

public sealed class SqliteCredentialStoreTests : CredentialStoreContractTests
{
    private readonly TempDirectory _directory = new();
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private SqliteDatabase? _database;

    protected override Task<ICredentialStore> CreateAsync()
    {
        _database = SqliteDatabase.Open(_directory.Path);
        return Task.FromResult<ICredentialStore>(new SqliteCredentialStore(_database, Cipher(_key)));
    }

    protected override Task DisposeStoreAsync()
    {
        _database?.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task TheDatabaseFile_NeverHoldsTheSecret()
    {
        var credential = Credential("backend");
        await Within(Store.CreateAsync(credential));
        Assert.NotNull(await Within(Store.FindAsync(credential.AccessKeyId)));

        foreach (var file in Directory.GetFiles(_directory.Path))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            Assert.True(copy.ToArray().AsSpan().IndexOf(Encoding.UTF8.GetBytes(credential.SecretAccessKey)) < 0, $"{file} holds the secret");
        }
    }

    [Fact]
    public async Task AStoreWithAnotherKey_FindsNothing()
    {
        var credential = Credential("backend");
        await Within(Store.CreateAsync(credential));

        var otherKey = new SqliteCredentialStore(_database!, Cipher(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));

        Assert.Null(await Within(otherKey.FindAsync(credential.AccessKeyId)));
    }

    private CredentialCipher Cipher(string key) =>
        CredentialCipher.Open(_directory.Path, name => name == CredentialCipher.KeyVariable ? key : null);
}
