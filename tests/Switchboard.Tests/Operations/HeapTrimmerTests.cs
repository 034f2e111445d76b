using Switchboard.Operations;

namespace Switchboard.Tests.Operations;

/// <summary>The heap is compacted once after a connection storm has calmed down, never during one, never for a trickle.</summary>
public sealed class HeapTrimmerTests
{
    [Fact]
    public void StormThenQuiet_CompactsOnce()
    {
        var compactions = 0;
        var trimmer = new HeapTrimmer(() => compactions++);

        Assert.False(trimmer.Tick(600));
        Assert.False(trimmer.Tick(1200));
        Assert.False(trimmer.Tick(1200)); // first quiet second
        Assert.True(trimmer.Tick(1200));  // second quiet second
        Assert.False(trimmer.Tick(1200));
        Assert.False(trimmer.Tick(1200));
        Assert.Equal(1, compactions);
    }

    [Fact]
    public void WhileConnectionsKeepArriving_NothingIsCompacted()
    {
        var compactions = 0;
        var trimmer = new HeapTrimmer(() => compactions++);
        for (var total = 0L; total < 100_000; total += 500)
        {
            trimmer.Tick(total);
        }

        Assert.Equal(0, compactions);
    }

    [Fact]
    public void FewConnections_AreNeverAStorm()
    {
        var compactions = 0;
        var trimmer = new HeapTrimmer(() => compactions++);
        trimmer.Tick(HeapTrimmer.StormConnections - 1);
        for (var i = 0; i < 10; i++)
        {
            trimmer.Tick(HeapTrimmer.StormConnections - 1);
        }

        Assert.Equal(0, compactions);
    }

    [Fact]
    public void ASecondStormSoonAfter_WaitsForTheMinimumInterval_ThenCompactsOnce()
    {
        var compactions = 0;
        var trimmer = new HeapTrimmer(() => compactions++);
        trimmer.Tick(2000);
        trimmer.Tick(2000);
        trimmer.Tick(2000);
        Assert.Equal(1, compactions);

        // Storm after storm, each followed by quiet: a client cannot make the server compact again at will.
        var total = 2000L;
        var seconds = 3;
        while (seconds < HeapTrimmer.MinSecondsBetween - 10)
        {
            total += 2000;
            trimmer.Tick(total);
            trimmer.Tick(total);
            trimmer.Tick(total);
            seconds += 3;
        }

        Assert.Equal(1, compactions);

        for (var i = 0; i < 20; i++)
        {
            trimmer.Tick(total);
        }

        Assert.Equal(2, compactions);
    }
}
