namespace Switchboard.Bench.Metrics;

/// <summary>Samples a process's resident memory every half second in the background; keeps the first, last and largest sample.</summary>
internal sealed class RssSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly int _pid;

    public RssSampler(int pid)
    {
        _pid = pid;
        First = Last = Max = ProcessProbe.ReadRssBytes(pid) ?? 0;
        _loop = RunAsync(_stop.Token);
    }

    public long First { get; }

    public long Last { get; private set; }

    public long Max { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                Sample();
            }
        }
        catch (OperationCanceledException)
        {
        }

        Sample();
    }

    private void Sample()
    {
        if (ProcessProbe.ReadRssBytes(_pid) is { } rss)
        {
            Last = rss;
            Max = Math.Max(Max, rss);
        }
    }
}
