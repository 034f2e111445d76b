namespace Switchboard.Bench.Cli;

/// <summary>One scenario's effective parameters: the command line where given, else the scenario's (smoke) defaults.</summary>
internal sealed record ScenarioSettings(
    int Connections,
    int Publishers,
    int Size,
    double Rate,
    double Duration,
    double Warmup,
    int Concurrency,
    int Window)
{
    public const int DefaultSize = 64;

    // On loopback the kernel lets the server's send buffer grow to tcp_wmem's maximum (about 4 MB), which holds some
    // 60,000 small frames for a client that stopped reading. With 1 KiB messages the stalled client's backlog passes
    // that and the server's own queue bound within seconds, so the run shows what the server does when the bound is hit.
    public const int SlowDefaultSize = 1024;

    // echo: a client of a request/response route waits for its answer, so each connection has one message in flight and
    // C connections keep C invocations in flight. Larger windows only queue behind the gateway's one invocation at a
    // time per connection (Switchboard), or start one more Lambda worker thread per message in flight (serverless-offline:
    // 50 connections with 4 each took 200 workers and 17 s of cold starts on one core before the first reply).
    public const int EchoDefaultWindow = 1;

    public bool IsMaxRate => double.IsPositiveInfinity(Rate);

    public string RateText => IsMaxRate ? "max" : Rate.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);

    public static ScenarioSettings For(string scenario, BenchOptions o)
    {
        var s = o.Smoke;
        var (connections, rate, duration, warmup, concurrency) = scenario switch
        {
            "fanout" => (s ? 50 : 1000, s ? 10_000 : double.PositiveInfinity, s ? 2.0 : 10, s ? 0.5 : 2, s ? 50 : 100),
            "echo" => (s ? 5 : 50, double.PositiveInfinity, s ? 2.0 : 10, s ? 0.5 : 2, s ? 5 : 50),
            "rest" => (s ? 20 : 100, 0.0, s ? 2.0 : 10, s ? 0.5 : 1, s ? 4 : 16),
            "connect" => (s ? 200 : 10_000, 0.0, 0.0, 0.0, s ? 50 : 100),
            "idle" => (s ? 200 : 10_000, 0.0, s ? 2.0 : 10, 0.0, s ? 50 : 100),
            "slow" => (s ? 20 : 100, s ? 20_000 : 100_000.0, s ? 2.0 : 10, s ? 0.5 : 1, s ? 50 : 100),
            _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, "no settings for this scenario"),
        };

        return new ScenarioSettings(
            o.Connections ?? connections,
            o.Publishers,
            o.Size ?? (scenario == "slow" ? SlowDefaultSize : DefaultSize),
            o.Rate ?? rate,
            o.Duration ?? duration,
            o.Warmup ?? warmup,
            o.Concurrency ?? concurrency,
            o.Window ?? (scenario == "echo" ? EchoDefaultWindow : BenchOptions.DefaultWindow));
    }
}
