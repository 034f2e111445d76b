using Switchboard.Access;

namespace Switchboard.Tests.AccessControl;

/// <summary>What every <see cref="ICredentialStore"/> must do; each back end's class only supplies the factory.</summary>
public abstract class CredentialStoreContractTests : IAsyncLifetime
{
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    protected static readonly DateTimeOffset Epoch = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private ICredentialStore? _store;

    protected ICredentialStore Store => _store ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>A new, empty store; the subclass disposes whatever it made in <see cref="DisposeStoreAsync"/>.</summary>
    protected abstract Task<ICredentialStore> CreateAsync();

    protected abstract Task DisposeStoreAsync();

    public async Task InitializeAsync() => _store = await CreateAsync().WaitAsync(Timeout);

    public Task DisposeAsync() => DisposeStoreAsync().WaitAsync(Timeout);

    protected static AccessCredential Credential(string name, string accessKeyId = "", int createdAtMs = 0, AccessPolicy? policy = null) => new(
        AccessKeyId: accessKeyId.Length > 0 ? accessKeyId : "SBAK" + name.ToUpperInvariant().PadRight(16, 'X')[..16],
        SecretAccessKey: "secret-of-" + name + "-0123456789abcdefghijklmn",
        Name: name,
        Policy: policy ?? AccessPolicy.FullAccess,
        CreatedAt: Epoch.AddMilliseconds(createdAtMs));

    protected static async Task<T> Within<T>(ValueTask<T> task) => await task.AsTask().WaitAsync(Timeout);

    [Fact]
    public async Task Created_IsFoundByItsAccessKeyId_WithItsSecretPolicyAndTime()
    {
        var policy = AccessPolicy.AllowManageConnections(["dev/POST/@connections/*"]);
        var credential = Credential("backend", policy: policy);

        Assert.True(await Within(Store.CreateAsync(credential)));

        var found = await Within(Store.FindAsync(credential.AccessKeyId));
        Assert.NotNull(found);
        Assert.Equal(credential.SecretAccessKey, found.SecretAccessKey);
        Assert.Equal(credential.Name, found.Name);
        Assert.Equal(credential.CreatedAt, found.CreatedAt);
        Assert.Equal(policy.Json, found.Policy.Json);
    }

    [Fact]
    public async Task Find_UnknownAccessKeyId_ReturnsNull()
    {
        await Within(Store.CreateAsync(Credential("backend")));

        Assert.Null(await Within(Store.FindAsync("SBAKNOSUCHKEYXXXXXXX")));
        Assert.Null(await Within(Store.FindAsync("backend")));
    }

    [Fact]
    public async Task Create_TakenAccessKeyIdOrName_ReturnsFalse_AndKeepsTheFirst()
    {
        var first = Credential("backend", accessKeyId: "SBAKAAAAAAAAAAAAAAAA");
        await Within(Store.CreateAsync(first));

        Assert.False(await Within(Store.CreateAsync(Credential("other", accessKeyId: first.AccessKeyId))));
        Assert.False(await Within(Store.CreateAsync(Credential("backend", accessKeyId: "SBAKBBBBBBBBBBBBBBBB"))));

        Assert.Equal(first.SecretAccessKey, (await Within(Store.FindAsync(first.AccessKeyId)))!.SecretAccessKey);
        Assert.Null(await Within(Store.FindAsync("SBAKBBBBBBBBBBBBBBBB")));
        Assert.Equal(["backend"], (await Within(Store.ListAsync())).Select(c => c.Name));
    }

    [Fact]
    public async Task List_IsOldestFirst_ThenByName_AndHoldsNoSecret()
    {
        await Within(Store.CreateAsync(Credential("late", createdAtMs: 300)));
        await Within(Store.CreateAsync(Credential("early", createdAtMs: 100)));
        await Within(Store.CreateAsync(Credential("b-same", createdAtMs: 200)));
        await Within(Store.CreateAsync(Credential("a-same", createdAtMs: 200)));

        var all = await Within(Store.ListAsync());

        Assert.Equal(["early", "a-same", "b-same", "late"], all.Select(c => c.Name));
        Assert.All(all, c => Assert.Equal("", c.SecretAccessKey));
        Assert.Equal(Credential("early").AccessKeyId, all[0].AccessKeyId);
        Assert.Equal(Epoch.AddMilliseconds(100), all[0].CreatedAt);
    }

    [Fact]
    public async Task List_EmptyStore_ReturnsNothing()
    {
        Assert.Empty(await Within(Store.ListAsync()));
    }

    [Fact]
    public async Task Revoke_ByAccessKeyIdOrByName_RemovesIt()
    {
        var byId = Credential("by-id");
        var byName = Credential("by-name");
        await Within(Store.CreateAsync(byId));
        await Within(Store.CreateAsync(byName));

        Assert.True(await Within(Store.RevokeAsync(byId.AccessKeyId)));
        Assert.True(await Within(Store.RevokeAsync("by-name")));

        Assert.Null(await Within(Store.FindAsync(byId.AccessKeyId)));
        Assert.Null(await Within(Store.FindAsync(byName.AccessKeyId)));
        Assert.Empty(await Within(Store.ListAsync()));
    }

    [Fact]
    public async Task Revoke_Unknown_ReturnsFalse()
    {
        await Within(Store.CreateAsync(Credential("backend")));

        Assert.False(await Within(Store.RevokeAsync("nobody")));
        Assert.Single(await Within(Store.ListAsync()));
    }

    [Fact]
    public async Task Revoke_FreesTheNameForANewCredential()
    {
        await Within(Store.CreateAsync(Credential("backend", accessKeyId: "SBAKAAAAAAAAAAAAAAAA")));
        await Within(Store.RevokeAsync("backend"));

        Assert.True(await Within(Store.CreateAsync(Credential("backend", accessKeyId: "SBAKBBBBBBBBBBBBBBBB"))));

        Assert.Equal("SBAKBBBBBBBBBBBBBBBB", Assert.Single(await Within(Store.ListAsync())).AccessKeyId);
    }
}
