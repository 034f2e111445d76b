using System.Text;
using Switchboard.Bench.Cli;
using Switchboard.Bench.Client;
using Switchboard.Bench.Metrics;
using Switchboard.Bench.Results;

namespace Switchboard.Bench.Scenarios;

/// <summary>
/// <c>rest</c>: C keep-alive HTTP workers, with N subscribers connected and reading. First the REST receiver
/// (<c>GET /{stage}/receiver?progId=N</c>, a broadcast to all N), then the management API's
/// <c>POST /{stage}/@connections/{id}</c> to one of them. Reports requests per second and latency for each; non-200
/// answers are errors, and every 200 must reach the subscribers it promises.
/// </summary>
internal static class RestScenario
{
    private const int ReceiveBufferBytes = 4096;

    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    public static async Task<IReadOnlyList<RunResult>> RunAsync(BenchContext context, ScenarioSettings settings)
    {
        var broadcast = context.NewResult("rest-broadcast");
        var post = context.NewResult("rest-post");
        foreach (var result in new[] { broadcast, post })
        {
            result.Parameter("subscribers", settings.Connections)
                .Parameter("concurrency", settings.Concurrency)
                .Parameter("duration", settings.Duration)
                .Parameter("warmup", settings.Warmup);
        }

        post.Parameter("size", settings.Size);
        if (context.Protocol is not SeedProtocol seed)
        {
            const string reason = "the REST receiver and @connections are Switchboard's seed APIs; not measured for this protocol";
            return [broadcast.Skip(reason), post.Skip(reason)];
        }

        var sinks = Enumerable.Range(0, settings.Connections).Select(_ => new CountingSink()).ToArray();
        string? targetId = null;
        await using var set = await ConnectionSet.OpenAsync(
            context, settings.Connections, settings.Concurrency, ReceiveBufferBytes, i => sinks[i], "rest: connecting",
            setup: async (index, socket, cancellation) =>
            {
                if (index == 0)
                {
                    targetId = await seed.GetConnectionIdAsync(socket, cancellation);
                }
            });
        if (set.Failed > 0)
        {
            var failure = $"{set.Failed} of {settings.Connections} subscribers failed to connect: {set.FirstError}";
            return [broadcast.Fail(failure), post.Fail(failure)];
        }

        long Delivered() => sinks.Sum(s => s.Count);
        var host = context.Rest.Host;

        if (context.Options.ApiKey is not { } apiKey)
        {
            broadcast.Skip("no --api-key: the REST receiver needs an API key (switchboard keys create)", missingInput: true);
        }
        else
        {
            var request = Encoding.ASCII.GetBytes(
                $"GET /{context.Stage}/receiver?progId=7 HTTP/1.1\r\nHost: {host}\r\nx-api-key: {apiKey}\r\n\r\n");
            var before = Delivered();
            var load = await HttpLoad.RunAsync(context, settings, request, "rest: receiver broadcast");
            await FanoutRun.WaitForAsync(Delivered, before + (load.Ok * settings.Connections), context.Cancellation);
            Report(broadcast, load, Delivered() - before, load.Ok * settings.Connections, "deliveries to the subscribers");
            if (load.SentSum != load.Ok * settings.Connections)
            {
                broadcast.Notes.Add($"the answers' \"sent\" add up to {load.SentSum:N0}, not {load.Ok * settings.Connections:N0}: other clients are connected to the stage, or the server miscounts");
            }
        }

        if (ManagementRequestSigner.FromEnvironment() is not { } credentials)
        {
            await set.CloseAllAsync(settings.Concurrency, CloseTimeout);
            return [broadcast, post.Skip("no AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY: @connections calls are signed (switchboard credentials create)", missingInput: true)];
        }

        var body = new string('x', settings.Size);
        var path = $"/{context.Stage}/@connections/{targetId}";
        var signature = ManagementRequestSigner.HeaderLines(credentials, "POST", host, path, Encoding.ASCII.GetBytes(body));
        var postRequest = Encoding.ASCII.GetBytes(
            $"POST {path} HTTP/1.1\r\nHost: {host}\r\n{signature}Content-Type: text/plain\r\nContent-Length: {settings.Size}\r\n\r\n{body}");
        var target = sinks[0];
        var targetBefore = target.Count;
        var postLoad = await HttpLoad.RunAsync(context, settings, postRequest, "rest: @connections POST");
        await FanoutRun.WaitForAsync(() => target.Count, targetBefore + postLoad.Ok, context.Cancellation);
        Report(post, postLoad, target.Count - targetBefore, postLoad.Ok, "deliveries to the target connection");

        await set.CloseAllAsync(settings.Concurrency, CloseTimeout);
        return [broadcast, post];
    }

    private static void Report(RunResult result, HttpLoadOutcome load, long delivered, long expected, string what)
    {
        result.Metric("requestsPerSec", load.PerSecond, "req/s")
            .Metric("requests", load.Ok + load.Errors, "req")
            .Metric("errors", load.Errors, "req");
        FanoutScenario.AddLatency(result, "latency", load.Latency);
        result.Metric("expectedDeliveries", expected, "msgs")
            .Metric("delivered", delivered, "msgs");
        FanoutScenario.AddServerCpu(result, load.Cpu);
        result.GeneratorCpuPercent = load.Cpu.Generator;
        if (load.Errors > 0)
        {
            var throttled = load.Statuses.GetValueOrDefault(429);
            var causes = load.Statuses.Where(s => s.Key != 200).Select(s => $"status {s.Key}: {s.Value:N0}").ToList();
            if (load.FirstError is { } error)
            {
                causes.Add($"first error: {error}");
            }

            result.Fail($"{load.Errors:N0} requests failed ({string.Join("; ", causes)})"
                + (throttled > 0 ? "; 429 means the key's usage plan throttles: create the key on a plan without a throttle or quota" : ""));
        }

        if (delivered != expected)
        {
            result.Fail($"expected {expected:N0} {what}, got {delivered:N0}");
        }

        result.Headline = $"{load.PerSecond:N0} req/s, p50 {load.Latency.PercentileMs(0.5):0.00} ms, p99 {load.Latency.PercentileMs(0.99):0.00} ms, "
            + $"errors {load.Errors:N0}, {what} {delivered:N0}/{expected:N0}";
    }
}
