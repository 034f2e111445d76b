using System.Diagnostics;
using Switchboard.Bench.Cli;
using Switchboard.Bench.Client;
using Switchboard.Bench.Metrics;

namespace Switchboard.Bench.Scenarios;

/// <summary>
/// One fan-out measurement, shared by <c>fanout</c> and <c>slow</c>: connect N subscribers and P publishers (and, for
/// <c>slow</c>, a client that never reads), check every subscriber is reachable, publish through the warm-up and the
/// measured interval, then wait for every message sent to arrive and count what did not.
/// </summary>
internal static class FanoutRun
{
    private const int ReceiveBufferBytes = 16 * 1024;

    // SO_RCVBUF of the stalled client: small, so its kernel buffer fills at once and the server's queue takes the rest.
    private const int StalledSocketReceiveBuffer = 4096;

    public static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan QuietLimit = TimeSpan.FromSeconds(3);

    public static async Task<FanoutOutcome> RunAsync(BenchContext context, ScenarioSettings settings, bool withStalledClient, string label)
    {
        var outcome = new FanoutOutcome();
        var subscriberCount = settings.Connections;
        var shared = new FanoutShared(settings.Publishers, subscriberCount, settings.Window, windowed: settings.IsMaxRate);
        var subscribers = Enumerable.Range(0, subscriberCount).Select(_ => new Subscriber(shared)).ToArray();

        await using var subscriberSet = await ConnectionSet.OpenAsync(
            context, subscriberCount, settings.Concurrency, ReceiveBufferBytes, i => subscribers[i], $"{label}: connecting");
        if (subscriberSet.Failed > 0)
        {
            outcome.Failures.Add($"{subscriberSet.Failed} of {subscriberCount} subscribers failed to connect: {subscriberSet.FirstError}");
            return outcome;
        }

        var publisherSinks = Enumerable.Range(0, settings.Publishers).Select(_ => new CountingSink()).ToArray();
        await using var publisherSet = await ConnectionSet.OpenAsync(
            context, settings.Publishers, settings.Concurrency, ReceiveBufferBytes, i => publisherSinks[i]);
        if (publisherSet.Failed > 0)
        {
            outcome.Failures.Add($"{publisherSet.Failed} of {settings.Publishers} publishers failed to connect: {publisherSet.FirstError}");
            return outcome;
        }

        await using var stalledSet = withStalledClient
            ? await ConnectionSet.OpenAsync(context, 1, 1, ReceiveBufferBytes, _ => null, socketReceiveBuffer: StalledSocketReceiveBuffer)
            : null;
        if (stalledSet is { Failed: > 0 })
        {
            outcome.Failures.Add($"the stalled client failed to connect: {stalledSet.FirstError}");
            return outcome;
        }

        var publishers = publisherSet.Sockets
            .Select((socket, i) => new Publisher(socket!, i, context.Protocol.CreatePublishTemplate(settings.Size), shared.Windows[i]))
            .ToArray();
        if (!await SyncAsync(publishers[0], subscribers, context.Cancellation))
        {
            var missing = subscribers.Count(s => !s.Synced);
            outcome.Failures.Add($"{missing} of {subscriberCount} subscribers never received the sync message a publisher sent: the server does not reach every connection");
            return outcome;
        }

        await MeasureAsync(context, settings, shared, subscribers, publishers, label, outcome);

        if (stalledSet?.Sockets[0] is { } stalled)
        {
            outcome.Stalled = await ReadStalledAsync(context, stalled, outcome.Published);
        }

        // A close the server does not answer means its side of the connection is stuck: worth knowing next to a loss.
        outcome.CloseFailures += (await subscriberSet.CloseAllAsync(settings.Concurrency, CloseTimeout)).Failed;
        outcome.CloseFailures += (await publisherSet.CloseAllAsync(settings.Concurrency, CloseTimeout)).Failed;
        if (stalledSet is not null)
        {
            await stalledSet.CloseAllAsync(1, CloseTimeout);
        }

        return outcome;
    }

    /// <summary>
    /// Publishes through the warm-up and the measured interval, then waits for every message sent to arrive. Fan-out:
    /// every subscriber receives every publisher's messages. <paramref name="echo"/>: subscriber i is publisher i's own
    /// connection and receives only the replies to what it sent.
    /// </summary>
    public static async Task MeasureAsync(
        BenchContext context, ScenarioSettings settings, FanoutShared shared, Subscriber[] subscribers, Publisher[] publishers, string label,
        FanoutOutcome outcome, bool echo = false)
    {
        long Delivered() => subscribers.Sum(s => s.Delivered);
        long Published() => publishers.Sum(p => p.Sent);
        var recipients = echo ? 1 : subscribers.Length;

        using var stop = new CancellationTokenSource();
        var meter = new CpuMeter(context.Options.ServerPid, context.Options.StackPids);
        Task publishing;
        await using (ProgressReporter.Start(label, Delivered, echo ? "replies" : "deliveries"))
        {
            var perPublisher = settings.Rate / recipients / publishers.Length;
            publishing = Task.WhenAll(publishers.Select((p, i) => settings.IsMaxRate
                ? p.RunWindowedAsync(settings.Window, stop.Token)
                // Staggered so P publishers together send evenly, not in bursts of P.
                : p.RunPacedAsync(perPublisher, i / (perPublisher * publishers.Length), stop.Token)));

            await Task.Delay(TimeSpan.FromSeconds(settings.Warmup), context.Cancellation);
            shared.Recording = true;
            meter.Restart();
            var allocated0 = GC.GetTotalAllocatedBytes();
            var started = Stopwatch.GetTimestamp();
            var delivered0 = Delivered();
            var published0 = Published();

            await Task.Delay(TimeSpan.FromSeconds(settings.Duration), context.Cancellation);
            var delivered1 = Delivered();
            var published1 = Published();
            outcome.Cpu = meter.Read();
            outcome.AllocatedPerDelivery = (double)(GC.GetTotalAllocatedBytes() - allocated0) / Math.Max(1, delivered1 - delivered0);
            outcome.MeasuredSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            outcome.DeliveredPerSecond = (delivered1 - delivered0) / outcome.MeasuredSeconds;
            outcome.PublishedPerSecond = (published1 - published0) / outcome.MeasuredSeconds;

            await stop.CancelAsync();
            shared.ReleaseAll();
            try
            {
                await publishing.WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception ex) when (ex is TimeoutException or IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                outcome.Failures.Add($"a publisher failed: {ex.Message}");
            }
        }

        outcome.Published = Published();
        outcome.Expected = outcome.Published * recipients;
        await WaitForAsync(Delivered, outcome.Expected, context.Cancellation);
        shared.Recording = false;
        outcome.Delivered = Delivered();
        for (var i = 0; i < subscribers.Length; i++)
        {
            var subscriber = subscribers[i];
            outcome.Latency.Add(subscriber.Latency);
            outcome.OutOfOrder += subscriber.OutOfOrder;
            outcome.Malformed += subscriber.Malformed;
            var missing = (echo ? publishers[i].Sent : outcome.Published) - subscriber.Delivered;
            if (missing > 0)
            {
                outcome.ShortSubscribers++;
                outcome.WorstShortfall = Math.Max(outcome.WorstShortfall, missing);
            }
        }
    }

    /// <summary>Publishes a marker until every subscriber has received one: the server has every connection in its broadcast set.</summary>
    private static async Task<bool> SyncAsync(Publisher publisher, Subscriber[] subscribers, CancellationToken cancellation)
    {
        var deadline = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            await publisher.SendTextAsync(Subscriber.SyncMarker, cancellation);
            for (var i = 0; i < 50; i++)
            {
                await Task.Delay(20, cancellation);
                if (subscribers.All(s => s.Synced))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Waits until <paramref name="count"/> reaches <paramref name="target"/> or stops moving for a few seconds.</summary>
    public static async Task WaitForAsync(Func<long> count, long target, CancellationToken cancellation)
    {
        var last = count();
        var lastChange = Stopwatch.GetTimestamp();
        while (last < target && Stopwatch.GetElapsedTime(lastChange) < QuietLimit)
        {
            await Task.Delay(20, cancellation);
            var now = count();
            if (now != last)
            {
                last = now;
                lastChange = Stopwatch.GetTimestamp();
            }
        }
    }

    /// <summary>Reads the stalled client at last: its backlog, then the server's close frame if it was closed.</summary>
    private static async Task<StalledClientOutcome> ReadStalledAsync(BenchContext context, RawWebSocket socket, long published)
    {
        var counter = new PayloadCounter();
        socket.StartReceiving(context.Protocol.CreateSink(counter));
        await WaitForAsync(() => socket.Ended ? long.MaxValue : counter.Count, published, context.Cancellation);
        string description;
        if (socket.CloseReceived)
        {
            description = $"closed by the server with {socket.CloseCode}";
        }
        else if (socket.Ended)
        {
            description = $"dropped by the server without a close frame ({socket.Error?.Message ?? "end of stream"})";
        }
        else
        {
            description = counter.Count >= published ? "still open: received every message late" : "still open";
        }

        return new StalledClientOutcome(socket.CloseReceived, socket.CloseCode, socket.Ended, counter.Count, description);
    }
}
