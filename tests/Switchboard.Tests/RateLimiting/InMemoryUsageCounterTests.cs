using Switchboard.RateLimiting;

namespace Switchboard.Tests.RateLimiting;

public sealed class InMemoryUsageCounterTests : UsageCounterContractTests
{
    protected override Task<IUsageCounter> CreateAsync(TimeProvider time) => Task.FromResult<IUsageCounter>(new InMemoryUsageCounter(time));

    protected override Task DisposeStoreAsync() => Task.CompletedTask;
}
