using Switchboard.Bench.Cli;
using Switchboard.Bench.Client;
using Switchboard.Bench.Payload;
using Switchboard.Bench.Results;

namespace Switchboard.Bench.Scenarios;

/// <summary>
/// <c>echo</c>: C connections each send <c>{"action":"echo","message":TEXT}</c> to a two-way route whose function answers
/// TEXT, and receive TEXT back on the same connection: closed loop with <c>--window</c> messages in flight per connection,
/// or paced at <c>--rate</c> replies per second in total. Reports replies per second, latency from the timestamp in
/// each message, and sent against received. Each connection is both a fan-out publisher and its own only subscriber.
/// </summary>
internal static class EchoScenario
{
    private const int ReceiveBufferBytes = 16 * 1024;

    public static async Task<RunResult> RunAsync(BenchContext context, ScenarioSettings settings)
    {
        var result = context.NewResult("echo");
        var action = context.Options.Action ?? SeedProtocol.DefaultEchoAction;
        result.Parameter("connections", settings.Connections)
            .Parameter("action", action)
            .Parameter("size", settings.Size)
            .Parameter("rate", settings.IsMaxRate ? "max" : settings.Rate);
        if (settings.IsMaxRate)
        {
            result.Parameter("window", settings.Window);
        }

        result.Parameter("duration", settings.Duration).Parameter("warmup", settings.Warmup);
        if (context.Options.Protocol != ProtocolKind.Seed)
        {
            return result.Skip("echo speaks the seed's JSON protocol to a two-way route; the SignalR peer has no such route");
        }

        if (settings.Connections > BenchPayload.MaxPublishers)
        {
            return result.Fail($"--connections {settings.Connections}: at most {BenchPayload.MaxPublishers} for echo (one publisher index each)");
        }

        var outcome = new FanoutOutcome();
        var shared = new FanoutShared(settings.Connections, subscribers: 1, settings.Window, windowed: settings.IsMaxRate);
        var receivers = Enumerable.Range(0, settings.Connections).Select(_ => new Subscriber(shared)).ToArray();
        var label = $"echo rate {settings.RateText}";
        await using (var connections = await ConnectionSet.OpenAsync(
            context, settings.Connections, settings.Concurrency, ReceiveBufferBytes, i => receivers[i], $"{label}: connecting"))
        {
            if (connections.Failed > 0)
            {
                return result.Fail($"{connections.Failed} of {settings.Connections} connections failed to open: {connections.FirstError}");
            }

            var publishers = connections.Sockets
                .Select((socket, i) => new Publisher(socket!, i, SeedProtocol.CreateEchoTemplate(action, settings.Size), shared.Windows[i]))
                .ToArray();
            await FanoutRun.MeasureAsync(context, settings, shared, receivers, publishers, label, outcome, echo: true);
            outcome.CloseFailures += (await connections.CloseAllAsync(settings.Concurrency, FanoutRun.CloseTimeout)).Failed;
        }

        result.Failures.AddRange(outcome.Problems(subscribers: null, ordered: !context.Options.Unordered));
        if (outcome.MeasuredSeconds <= 0)
        {
            return result;
        }

        result.Metric("repliesPerSec", outcome.DeliveredPerSecond, "msgs/s")
            .Metric("sentPerSec", outcome.PublishedPerSecond, "msgs/s")
            .Metric("expected", outcome.Expected, "msgs")
            .Metric("received", outcome.Delivered, "msgs")
            .Metric("lost", outcome.Lost, "msgs")
            .Metric("outOfOrder", outcome.OutOfOrder, "msgs");
        FanoutScenario.AddLatency(result, "latency", outcome.Latency);
        FanoutScenario.AddServerCpu(result, outcome.Cpu);
        result.GeneratorCpuPercent = outcome.Cpu.Generator;
        result.Headline = $"{outcome.DeliveredPerSecond:N0} replies/s, p50 {outcome.Latency.PercentileMs(0.5):0.00} ms, "
            + $"p99 {outcome.Latency.PercentileMs(0.99):0.00} ms, p99.9 {outcome.Latency.PercentileMs(0.999):0.00} ms, lost {outcome.Lost:N0}";
        return result;
    }
}
