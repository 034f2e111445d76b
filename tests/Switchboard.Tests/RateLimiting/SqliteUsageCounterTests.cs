using Switchboard.RateLimiting;
using Switchboard.Sqlite;
using Switchboard.Tests.Registry;

namespace Switchboard.Tests.RateLimiting;

public sealed class SqliteUsageCounterTests : UsageCounterContractTests
{
    private readonly TempDataDirectory _directory = new();
    private readonly List<SqliteDatabase> _databases = [];
    private readonly List<SqliteUsageCounter> _counters = [];

    protected override Task<IUsageCounter> CreateAsync(TimeProvider time) => Task.FromResult<IUsageCounter>(Open(time));

    protected override Task DisposeStoreAsync()
    {
        CloseAll();
        _directory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Counts_SurviveReopeningTheStore()
    {
        await Within(Counter.TryTakeAsync("c", 2, EndOfDay));
        await Within(Counter.TryTakeAsync("c", 2, EndOfDay));
        CloseAll();

        var reopened = Open(Clock);

        Assert.Equal(2, await Within(reopened.GetAsync("c")));
        Assert.Equal(new UsageTake(false, 2), await Within(reopened.TryTakeAsync("c", 2, EndOfDay)));
    }

    [Fact]
    public async Task CountersOnSeparateHandlesOfOneFile_ShareTheLimitExactly()
    {
        // Stands in for two processes (a server and another node, or the CLI) on one database file.
        var others = Enumerable.Range(0, 3).Select(_ => (IUsageCounter)Open(Clock)).Append(Counter).ToList();

        var takes = await Task.WhenAll(Enumerable.Range(0, 120)
            .Select(i => Task.Run(() => others[i % others.Count].TryTakeAsync("shared", 40, EndOfDay).AsTask()))).WaitAsync(Timeout);

        Assert.Equal(40, takes.Count(t => t.Taken));
        Assert.Equal(40, await Within(Counter.GetAsync("shared")));
    }

    private SqliteUsageCounter Open(TimeProvider time)
    {
        var database = SqliteDatabase.Open(_directory.Path);
        var counter = new SqliteUsageCounter(database, time);
        _databases.Add(database);
        _counters.Add(counter);
        return counter;
    }

    /// <summary>Closes every counter, then every database (each counter keeps a connection open).</summary>
    private void CloseAll()
    {
        foreach (var counter in _counters)
        {
            counter.Dispose();
        }

        foreach (var database in _databases)
        {
            database.Dispose();
        }

        _counters.Clear();
        _databases.Clear();
    }
}
