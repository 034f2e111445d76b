using Switchboard.Auth;

namespace Switchboard.Tests.Auth;

public sealed class InMemoryApiKeyStoreTests : ApiKeyStoreContractTests
{
    protected override Task<IApiKeyStore> CreateAsync(TimeProvider timeProvider) =>
        Task.FromResult<IApiKeyStore>(new InMemoryApiKeyStore(timeProvider));

    protected override Task DisposeStoreAsync() => Task.CompletedTask;
}
