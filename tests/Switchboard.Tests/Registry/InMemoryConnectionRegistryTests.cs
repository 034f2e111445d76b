using Switchboard.Registry;

namespace Switchboard.Tests.Registry;

public sealed class InMemoryConnectionRegistryTests : ConnectionRegistryContractTests
{
    protected override Task<IConnectionRegistry> CreateAsync() =>
        Task.FromResult<IConnectionRegistry>(new InMemoryConnectionRegistry());

    protected override Task DisposeStoreAsync() => Task.CompletedTask;
}
