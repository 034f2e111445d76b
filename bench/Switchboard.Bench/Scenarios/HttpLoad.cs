using System.Buffers.Text;
using System.Diagnostics;
using Switchboard.Bench.Cli;
using Switchboard.Bench.Client;
using Switchboard.Bench.Metrics;

namespace Switchboard.Bench.Scenarios;

/// <summary>Closed-loop HTTP load: C workers each send the same request over one keep-alive connection, again and again.</summary>
internal static class HttpLoad
{
    public static async Task<HttpLoadOutcome> RunAsync(BenchContext context, ScenarioSettings settings, byte[] request, string label)
    {
        var outcome = new HttpLoadOutcome();
        long completed = 0;
        var recording = false;
        using var stop = new CancellationTokenSource();
        var meter = new CpuMeter(context.Options.ServerPid);
        var workers = new List<Task<WorkerTotals>>();
        await using (ProgressReporter.Start(label, () => Volatile.Read(ref completed), "requests"))
        {
            for (var i = 0; i < settings.Concurrency; i++)
            {
                workers.Add(Task.Run(async () =>
                {
                    var totals = new WorkerTotals();
                    using var connection = new RawHttpConnection(context.Rest);
                    while (!stop.IsCancellationRequested)
                    {
                        var began = Stopwatch.GetTimestamp();
                        int status;
                        try
                        {
                            status = await connection.SendAsync(request, context.Cancellation);
                        }
                        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidDataException)
                        {
                            totals.Errors++;
                            totals.FirstError ??= ex.Message;
                            await Task.Delay(10, CancellationToken.None);
                            continue;
                        }

                        if (Volatile.Read(ref recording))
                        {
                            totals.Latency.Record(Stopwatch.GetTimestamp() - began);
                        }

                        Interlocked.Increment(ref completed);
                        totals.Statuses[status] = totals.Statuses.GetValueOrDefault(status) + 1;
                        if (status == 200)
                        {
                            totals.Ok++;
                            totals.SentSum += ReadSent(connection.Body);
                        }
                        else
                        {
                            totals.Errors++;
                        }
                    }

                    return totals;
                }));
            }

            await Task.Delay(TimeSpan.FromSeconds(settings.Warmup), context.Cancellation);
            Volatile.Write(ref recording, true);
            meter.Restart();
            var started = Stopwatch.GetTimestamp();
            var before = Volatile.Read(ref completed);
            await Task.Delay(TimeSpan.FromSeconds(settings.Duration), context.Cancellation);
            outcome.PerSecond = (Volatile.Read(ref completed) - before) / Stopwatch.GetElapsedTime(started).TotalSeconds;
            outcome.Cpu = meter.Read();
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }

        foreach (var worker in workers.Select(w => w.Result))
        {
            outcome.Ok += worker.Ok;
            outcome.Errors += worker.Errors;
            outcome.SentSum += worker.SentSum;
            outcome.Latency.Add(worker.Latency);
            outcome.FirstError ??= worker.FirstError;
            foreach (var (status, count) in worker.Statuses)
            {
                outcome.Statuses[status] = outcome.Statuses.GetValueOrDefault(status) + count;
            }
        }

        return outcome;
    }

    /// <summary>K from the receiver's <c>{"statusCode":200,"sent":K}</c>; 0 for other bodies (the POST's is empty).</summary>
    private static long ReadSent(ReadOnlySpan<byte> body)
    {
        var at = body.IndexOf("\"sent\":"u8);
        return at >= 0 && Utf8Parser.TryParse(body[(at + 7)..], out long sent, out _) ? sent : 0;
    }

    private sealed class WorkerTotals
    {
        public long Ok;
        public long Errors;
        public long SentSum;
        public string? FirstError;
        public readonly LatencyHistogram Latency = new();
        public readonly Dictionary<int, long> Statuses = [];
    }
}

/// <summary>What an HTTP load run saw: answers by status, latency, and requests per second in the measured interval.</summary>
internal sealed class HttpLoadOutcome
{
    public long Ok { get; set; }

    public long Errors { get; set; }

    public long SentSum { get; set; }

    public string? FirstError { get; set; }

    public double PerSecond { get; set; }

    public CpuReading Cpu { get; set; }

    public LatencyHistogram Latency { get; } = new();

    public Dictionary<int, long> Statuses { get; } = [];
}
