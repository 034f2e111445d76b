namespace Switchboard.Bench.Cli;

/// <summary>The wire protocol the target speaks.</summary>
internal enum ProtocolKind
{
    /// <summary>The seed's <c>onMessage</c> JSON over plain WebSocket text frames (Switchboard, Node ws, naive ASP.NET).</summary>
    Seed,

    /// <summary>ASP.NET Core SignalR's JSON hub protocol over WebSockets, without negotiate.</summary>
    SignalR,
}

/// <summary>The command line as given; scenario defaults are applied by <see cref="ScenarioSettings"/>.</summary>
internal sealed record BenchOptions
{
    public const string DefaultBroadcastKey = "1234";

    /// <summary><c>fanout</c>, <c>echo</c>, <c>rest</c>, <c>connect</c>, <c>idle</c>, <c>slow</c> or <c>all</c>.</summary>
    public required string Scenario { get; init; }

    /// <summary>Name of the server under test, copied into every result (e.g. <c>switchboard</c>, <c>node-ws</c>).</summary>
    public string Target { get; init; } = "switchboard";

    /// <summary>WebSocket URL of the stage or hub, e.g. <c>ws://127.0.0.1:8080/dev</c>.</summary>
    public required Uri Url { get; init; }

    public ProtocolKind Protocol { get; init; } = ProtocolKind.Seed;

    /// <summary>Base URL of the REST and management APIs; default: the WebSocket URL's host and port over http.</summary>
    public Uri? RestUrl { get; init; }

    public string? ApiKey { get; init; }

    /// <summary>The seed's broadcast secret sent in every <c>onMessage</c>; default <c>1234</c>.</summary>
    public string BroadcastKey { get; init; } = DefaultBroadcastKey;

    /// <summary>The route the seed protocol's messages name in <c>action</c>; null: <c>onMessage</c> (fanout, slow), <c>echo</c> (echo).</summary>
    public string? Action { get; init; }

    /// <summary>Subscribers (fanout, rest, slow) or connections (connect, idle, echo); null: the scenario's default.</summary>
    public int? Connections { get; init; }

    public int Publishers { get; init; } = 1;

    /// <summary>Message text size in bytes; null: 64.</summary>
    public int? Size { get; init; }

    /// <summary>Deliveries per second in total; <see cref="double.PositiveInfinity"/> for <c>max</c>; null: the scenario's default.</summary>
    public double? Rate { get; init; }

    public double? Duration { get; init; }

    public double? Warmup { get; init; }

    /// <summary>HTTP workers (rest) or handshakes in flight (connect, idle, setup); null: the scenario's default.</summary>
    public int? Concurrency { get; init; }

    /// <summary>
    /// Messages each publisher keeps in flight with <c>--rate max</c>. Measured here with 1,000 subscribers: 16 left
    /// the pipeline idle between round trips (under a third of the rate 64 reached, with fewer messages per read and
    /// write on both sides, so more CPU per delivery); past 64 the rate grew a few percent while latency and queues
    /// grew in proportion.
    /// </summary>
    public const int DefaultWindow = 64;

    /// <summary>Messages in flight per publisher (per connection in echo); null: the scenario's default.</summary>
    public int? Window { get; init; }

    public int? ServerPid { get; init; }

    /// <summary>
    /// Processes whose CPU is summed as the whole backend's (e.g. the gateway and the Lambda runner with its DynamoDB),
    /// reported next to the server's alone; empty: not reported.
    /// </summary>
    public IReadOnlyList<int> StackPids { get; init; } = [];

    public string? JsonFile { get; init; }

    public bool Smoke { get; init; }

    /// <summary>fanout, echo: messages out of order are counted (metric <c>outOfOrder</c>), not a failure.</summary>
    public bool Unordered { get; init; }
}
