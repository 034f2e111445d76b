using Switchboard.Access;

namespace Switchboard.Tests.AccessControl;

public sealed class InMemoryCredentialStoreTests : CredentialStoreContractTests
{
    protected override Task<ICredentialStore> CreateAsync() => Task.FromResult<ICredentialStore>(new InMemoryCredentialStore());

    protected override Task DisposeStoreAsync() => Task.CompletedTask;
}
