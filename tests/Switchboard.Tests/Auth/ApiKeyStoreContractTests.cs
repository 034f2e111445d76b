using Microsoft.Extensions.Time.Testing;
using Switchboard.Auth;

namespace Switchboard.Tests.Auth;

/// <summary>What every <see cref="IApiKeyStore"/> must do; each back end's class only supplies the factory.</summary>
public abstract class ApiKeyStoreContractTests : IAsyncLifetime
{
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private IApiKeyStore? _store;

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, 123, TimeSpan.Zero));

    protected IApiKeyStore Store => _store ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>A new, empty store reading time from <paramref name="timeProvider"/>.</summary>
    protected abstract Task<IApiKeyStore> CreateAsync(TimeProvider timeProvider);

    protected abstract Task DisposeStoreAsync();

    public async Task InitializeAsync() => _store = await CreateAsync(Clock).WaitAsync(Timeout);

    public Task DisposeAsync() => DisposeStoreAsync().WaitAsync(Timeout);

    protected static async Task<T> Within<T>(ValueTask<T> task) => await task.AsTask().WaitAsync(Timeout);

    [Fact]
    public async Task Create_ReturnsTheRecordWithPlanAndCreationTime()
    {
        var created = await Within(Store.CreateAsync("mobile", ApiKeyHash.Generate(), "gold"));

        Assert.Equal(new ApiKeyRecord("mobile", "gold", Clock.GetUtcNow()), created);
    }

    [Fact]
    public async Task CreatedKey_IsFoundByItsValue()
    {
        var value = ApiKeyHash.Generate();
        var created = await Within(Store.CreateAsync("mobile", value, plan: null));

        Assert.Equal(created, await Within(Store.FindByValueAsync(value)));
    }

    [Fact]
    public async Task WrongValue_FindsNothing()
    {
        var value = ApiKeyHash.Generate();
        await Within(Store.CreateAsync("mobile", value, plan: null));

        Assert.Null(await Within(Store.FindByValueAsync(ApiKeyHash.Generate())));
        Assert.Null(await Within(Store.FindByValueAsync(value[..^1])));
        Assert.Null(await Within(Store.FindByValueAsync(value.ToUpperInvariant() == value ? value.ToLowerInvariant() : value.ToUpperInvariant())));
        Assert.Null(await Within(Store.FindByValueAsync(string.Empty)));
    }

    [Fact]
    public async Task List_ReturnsEveryKeyByName()
    {
        await Within(Store.CreateAsync("web", ApiKeyHash.Generate(), "gold"));
        await Within(Store.CreateAsync("batch", ApiKeyHash.Generate(), plan: null));
        await Within(Store.CreateAsync("mobile", ApiKeyHash.Generate(), "free"));

        var keys = await Within(Store.ListAsync());

        Assert.Equal(["batch", "mobile", "web"], keys.Select(k => k.Name));
        Assert.Equal([null, "free", "gold"], keys.Select(k => k.Plan));
    }

    [Fact]
    public async Task List_EmptyStore_ReturnsNothing()
    {
        Assert.Empty(await Within(Store.ListAsync()));
    }

    [Fact]
    public async Task RevokedKey_IsNotFound()
    {
        var value = ApiKeyHash.Generate();
        await Within(Store.CreateAsync("mobile", value, plan: null));

        Assert.True(await Within(Store.RevokeAsync("mobile")));

        Assert.Null(await Within(Store.FindByValueAsync(value)));
        Assert.Empty(await Within(Store.ListAsync()));
    }

    [Fact]
    public async Task Revoke_UnknownName_ReturnsFalse()
    {
        Assert.False(await Within(Store.RevokeAsync("nosuchkey")));
    }

    [Fact]
    public async Task Revoke_FreesTheNameAndValueForReuse()
    {
        var value = ApiKeyHash.Generate();
        await Within(Store.CreateAsync("mobile", value, plan: null));
        await Within(Store.RevokeAsync("mobile"));

        await Within(Store.CreateAsync("mobile", value, "gold"));

        Assert.Equal("gold", (await Within(Store.FindByValueAsync(value)))!.Plan);
    }

    [Fact]
    public async Task Create_TakenName_ThrowsConflictNamingTheKey()
    {
        var original = ApiKeyHash.Generate();
        await Within(Store.CreateAsync("mobile", original, plan: null));
        var attempted = ApiKeyHash.Generate();

        var conflict = await Assert.ThrowsAsync<ApiKeyConflictException>(() => Within(Store.CreateAsync("mobile", attempted, "gold")));

        Assert.Contains("'mobile'", conflict.Message, StringComparison.Ordinal);
        Assert.Contains("already exists", conflict.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(attempted, conflict.Message, StringComparison.Ordinal);
        Assert.Null(await Within(Store.FindByValueAsync(attempted)));
        Assert.Null((await Within(Store.FindByValueAsync(original)))!.Plan);
    }

    [Fact]
    public async Task Create_TakenValue_ThrowsConflictWithoutShowingTheValue()
    {
        var value = ApiKeyHash.Generate();
        await Within(Store.CreateAsync("mobile", value, plan: null));

        var conflict = await Assert.ThrowsAsync<ApiKeyConflictException>(() => Within(Store.CreateAsync("web", value, plan: null)));

        Assert.Contains("'web'", conflict.Message, StringComparison.Ordinal);
        Assert.Contains("value", conflict.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, conflict.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("mobile", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(["mobile"], (await Within(Store.ListAsync())).Select(k => k.Name));
    }

    [Fact]
    public async Task ConcurrentCreates_OfOneName_LetExactlyOneWin()
    {
        var attempts = Enumerable.Range(0, 20)
            .Select(_ => Task.Run(() => Store.CreateAsync("contested", ApiKeyHash.Generate(), plan: null).AsTask()))
            .ToArray();

        var outcomes = await Task.WhenAll(attempts.Select(async attempt =>
        {
            try
            {
                await attempt;
                return true;
            }
            catch (ApiKeyConflictException)
            {
                return false;
            }
        })).WaitAsync(Timeout);

        Assert.Single(outcomes, won => won);
        Assert.Single(await Within(Store.ListAsync()));
    }
}
