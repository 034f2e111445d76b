using Microsoft.Extensions.Time.Testing;
using Switchboard.RateLimiting;

namespace Switchboard.Tests.RateLimiting;

/// <summary>What every <see cref="IUsageCounter"/> must do; each back end's class only supplies the factory.</summary>
public abstract class UsageCounterContractTests : IAsyncLifetime
{
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private IUsageCounter? _counter;

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));

    protected IUsageCounter Counter => _counter ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>The end of the day <see cref="Clock"/> starts in: when counters of that day may be forgotten.</summary>
    protected static DateTimeOffset EndOfDay { get; } = new(2026, 12, 3, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A new, empty counter store reading the time from <paramref name="time"/>.</summary>
    protected abstract Task<IUsageCounter> CreateAsync(TimeProvider time);

    protected abstract Task DisposeStoreAsync();

    public async Task InitializeAsync() => _counter = await CreateAsync(Clock).WaitAsync(Timeout);

    public Task DisposeAsync() => DisposeStoreAsync().WaitAsync(Timeout);

    protected static async Task<T> Within<T>(ValueTask<T> task) => await task.AsTask().WaitAsync(Timeout);

    [Fact]
    public async Task UnknownCounter_HoldsZero()
    {
        Assert.Equal(0, await Within(Counter.GetAsync("DAY/2026-12-02/1/nobody")));
    }

    [Fact]
    public async Task Takes_CountUpToTheLimit_ThenAreRefused_WithoutCounting()
    {
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(new UsageTake(true, i), await Within(Counter.TryTakeAsync("c", 3, EndOfDay)));
        }

        Assert.Equal(new UsageTake(false, 3), await Within(Counter.TryTakeAsync("c", 3, EndOfDay)));
        Assert.Equal(new UsageTake(false, 3), await Within(Counter.TryTakeAsync("c", 3, EndOfDay)));
        Assert.Equal(3, await Within(Counter.GetAsync("c")));
    }

    [Fact]
    public async Task ALowerLimit_RefusesAtOnce_AndAHigherOneAllowsMore()
    {
        for (var i = 0; i < 5; i++)
        {
            await Within(Counter.TryTakeAsync("c", 10, EndOfDay));
        }

        Assert.Equal(new UsageTake(false, 5), await Within(Counter.TryTakeAsync("c", 4, EndOfDay)));
        Assert.Equal(new UsageTake(false, 5), await Within(Counter.TryTakeAsync("c", 5, EndOfDay)));
        Assert.Equal(new UsageTake(true, 6), await Within(Counter.TryTakeAsync("c", 6, EndOfDay)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task ALimitBelowOne_AllowsNothing_AndCountsNothing(int limit)
    {
        Assert.Equal(new UsageTake(false, 0), await Within(Counter.TryTakeAsync("c", limit, EndOfDay)));
        Assert.Equal(0, await Within(Counter.GetAsync("c")));
    }

    [Fact]
    public async Task Counters_AreIndependent()
    {
        await Within(Counter.TryTakeAsync("DAY/2026-12-02/1/a", 1, EndOfDay));

        Assert.Equal(new UsageTake(true, 1), await Within(Counter.TryTakeAsync("DAY/2026-12-02/1/b", 1, EndOfDay)));
        Assert.Equal(new UsageTake(true, 1), await Within(Counter.TryTakeAsync("DAY/2026-12-03/1/a", 1, EndOfDay.AddDays(1))));
        Assert.Equal(new UsageTake(false, 1), await Within(Counter.TryTakeAsync("DAY/2026-12-02/1/a", 1, EndOfDay)));
    }

    [Fact]
    public async Task ConcurrentTakes_AllowExactlyTheLimit()
    {
        var takes = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => Counter.TryTakeAsync("hot", 50, EndOfDay).AsTask())))
            .WaitAsync(Timeout);

        Assert.Equal(50, takes.Count(t => t.Taken));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), takes.Where(t => t.Taken).Select(t => t.Used).Order());
        Assert.All(takes.Where(t => !t.Taken), t => Assert.Equal(50, t.Used));
        Assert.Equal(50, await Within(Counter.GetAsync("hot")));
    }

    [Fact]
    public async Task ExpiredCounters_AreForgotten_WithinTheHourAfterTheyExpire()
    {
        await Within(Counter.TryTakeAsync("today", 5, EndOfDay));
        await Within(Counter.TryTakeAsync("tomorrow", 5, EndOfDay.AddDays(1)));

        Clock.SetUtcNow(EndOfDay.AddHours(1));
        await Within(Counter.TryTakeAsync("later", 5, EndOfDay.AddDays(2)));

        Assert.Equal(0, await Within(Counter.GetAsync("today")));
        Assert.Equal(1, await Within(Counter.GetAsync("tomorrow")));
        Assert.Equal(new UsageTake(true, 1), await Within(Counter.TryTakeAsync("today", 5, EndOfDay)));
    }
}
