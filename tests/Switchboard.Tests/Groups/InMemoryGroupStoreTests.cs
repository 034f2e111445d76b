using Switchboard.Groups;

namespace Switchboard.Tests.Groups;

public sealed class InMemoryGroupStoreTests : GroupStoreContractTests
{
    protected override Task<IGroupStore> CreateAsync() => Task.FromResult<IGroupStore>(new InMemoryGroupStore());

    protected override Task DisposeStoreAsync() => Task.CompletedTask;
}
