using System.Security.Cryptography;
using System.Text;
using Switchboard.Access;
using Switchboard.Redis;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.AccessControl;

public sealed class RedisCredentialStoreTests(RedisServer redis) : CredentialStoreContractTests, IClassFixture<RedisServer>
{
    private readonly string _prefix = RedisServer.NewKeyPrefix();
    private readonly string _key = NewKey();
    private readonly List<RedisStoreConnection> _connections = [];

    protected override async Task<ICredentialStore> CreateAsync() => new RedisCredentialStore(await ConnectAsync(), Cipher(_key));

    protected override async Task DisposeStoreAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task TwoNodesWithTheSameKey_ShareCredentialsAtOnce()
    {
        var other = new RedisCredentialStore(await ConnectAsync(), Cipher(_key));
        var credential = Credential("backend");

        Assert.True(await Within(other.CreateAsync(credential)));
        Assert.Equal(credential.SecretAccessKey, (await Within(Store.FindAsync(credential.AccessKeyId)))!.SecretAccessKey);

        Assert.True(await Within(Store.RevokeAsync("backend")));
        Assert.Null(await Within(other.FindAsync(credential.AccessKeyId)));
    }

    [Fact]
    public async Task Redis_HoldsTheSecretOnlySealed()
    {
        var credential = Credential("backend");
        await Within(Store.CreateAsync(credential));

        var connection = _connections[0];
        var sealedSecret = (byte[])(await connection.Database.HashGetAsync(connection.Key("credential:" + credential.AccessKeyId), "secret"))!;

        Assert.True(sealedSecret.AsSpan().IndexOf(Encoding.UTF8.GetBytes(credential.SecretAccessKey)) < 0, "Redis holds the secret in the clear");
        Assert.Equal(credential.SecretAccessKey, Cipher(_key).Decrypt(credential.AccessKeyId, sealedSecret));
    }

    [Fact]
    public async Task ANodeWithAnotherKey_FindsNothing_AndCannotAddCredentialsTheOthersCouldNotRead()
    {
        var credential = Credential("backend");
        await Within(Store.CreateAsync(credential));
        var stranger = new RedisCredentialStore(await ConnectAsync(), Cipher(NewKey()));

        Assert.Null(await Within(stranger.FindAsync(credential.AccessKeyId)));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Within(stranger.CreateAsync(Credential("stranger"))));
        Assert.Contains(CredentialCipher.KeyVariable, refused.Message, StringComparison.Ordinal);
        Assert.Equal(["backend"], (await Within(Store.ListAsync())).Select(c => c.Name));
    }

    [Fact]
    public async Task OnceEveryCredentialIsRevoked_AnotherKeyMayTakeOver()
    {
        await Within(Store.CreateAsync(Credential("old")));
        await Within(Store.RevokeAsync("old"));
        var rotated = new RedisCredentialStore(await ConnectAsync(), Cipher(NewKey()));

        Assert.True(await Within(rotated.CreateAsync(Credential("new"))));

        await Assert.ThrowsAsync<InvalidOperationException>(() => Within(Store.CreateAsync(Credential("old-key-again"))));
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static CredentialCipher Cipher(string key) =>
        CredentialCipher.Open(Path.GetTempPath(), name => name == CredentialCipher.KeyVariable ? key : null);

    private async Task<RedisStoreConnection> ConnectAsync()
    {
        var connection = await redis.ConnectAsync(_prefix);
        _connections.Add(connection);
        return connection;
    }
}
