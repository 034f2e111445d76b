using Switchboard.Groups;
using Switchboard.Registry;

namespace Switchboard.Tests.Registry;

public sealed class InMemoryDeadRunCleanupTests : DeadRunCleanupContractTests
{
    protected override Task<(IConnectionRegistry Registry, IGroupStore Groups)> CreateAsync() =>
        Task.FromResult<(IConnectionRegistry, IGroupStore)>((new InMemoryConnectionRegistry(), new InMemoryGroupStore()));

    protected override Task DisposeStoresAsync() => Task.CompletedTask;
}
