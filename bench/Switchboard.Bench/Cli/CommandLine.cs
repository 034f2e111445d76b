using System.Globalization;

namespace Switchboard.Bench.Cli;

/// <summary>Parses <c>switchboard-bench VERB --option value ...</c> by hand: a dozen options do not need a framework.</summary>
internal static class CommandLine
{
    public static readonly string[] Verbs = ["fanout", "echo", "rest", "connect", "idle", "slow", "all"];

    public const string Usage = """
        usage: switchboard-bench <fanout|echo|rest|connect|idle|slow|all> --url ws://HOST:PORT/STAGE [options]

          --target NAME          name of the server under test, copied into results (default switchboard)
          --url URL              WebSocket URL of the stage (seed) or hub (signalr)
          --protocol seed|signalr  wire protocol (default seed)
          --rest-url URL         REST/management base URL (default http://HOST:PORT of --url)
          --api-key KEY          API key for the REST receiver (rest scenario)
          --broadcast-key KEY    the seed's onMessage secret (default 1234)
          --action NAME          the route named in each message's "action" (default onMessage; echo: echo)
          --connections N        subscribers (fanout, rest, slow) or connections (connect, idle, echo)
          --publishers P         publishing connections in fanout (default 1)
          --size BYTES           message text size (default 64, slow 1024; at least 36)
          --rate R|max           deliveries (echo: replies) per second in total, or max (closed loop with --window)
          --window W             messages in flight per publisher with --rate max (default 64; echo: per connection, 1)
          --duration SECONDS     measured time (idle: time held idle)
          --warmup SECONDS       unmeasured time before it
          --concurrency C        HTTP workers (rest), handshakes in flight (connect, idle)
          --server-pid PID       server process, for RSS and CPU from /proc (required by idle)
          --stack-pids P,P       processes of the whole backend (gateway, function runner, database): their CPU, summed
          --json FILE            append one JSON object per run
          --smoke                tiny defaults; exit non-zero if any message is lost
          --unordered            fanout, echo: count messages out of order, do not fail on them (a backend that
                                 promises no order, e.g. the seed's function posting fire-and-forget)

        Defaults (full / --smoke):
          fanout  connections 1000/50, rate max/10000, duration 10/2, warmup 2/0.5
          echo    connections 50/5, rate max, window 1, duration 10/2, warmup 2/0.5
          rest    connections 100/20, concurrency 16/4, duration 10/2, warmup 1/0.5
          connect connections 10000/200, concurrency 100/50
          idle    connections 10000/200, concurrency 100/50, duration 10/2
          slow    connections 100/20, rate 100000/20000, duration 10/2, warmup 1/0.5
        'all' runs idle, connect, fanout, rest and slow in turn (with --smoke and no --rate: fanout at a fixed rate and at max).
        echo needs a route whose function answers the message's text (a two-way lambda or http route), so 'all' leaves it out:
        each connection sends {"action":"echo","message":TEXT} and must get TEXT back on the same connection.
        """;

    /// <summary>Returns the options, or null after writing the problem (or the usage) to <paramref name="error"/>.</summary>
    public static BenchOptions? Parse(string[] args, TextWriter error)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            error.WriteLine(Usage);
            return null;
        }

        var verb = args[0];
        if (!Verbs.Contains(verb))
        {
            return Fail(error, $"unknown scenario '{verb}'; expected one of {string.Join(", ", Verbs)}");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var smoke = false;
        var unordered = false;
        for (var i = 1; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                error.WriteLine(Usage);
                return null;
            }

            if (name == "--smoke")
            {
                smoke = true;
                continue;
            }

            if (name == "--unordered")
            {
                unordered = true;
                continue;
            }

            if (!name.StartsWith("--", StringComparison.Ordinal) || !KnownValueOptions.Contains(name))
            {
                return Fail(error, $"unknown option '{name}'");
            }

            if (i + 1 >= args.Length)
            {
                return Fail(error, $"option {name} needs a value");
            }

            values[name] = args[++i];
        }

        var problems = new List<string>();
        var url = ParseUri(values, "--url", problems, "ws", "wss");
        if (url is null && !values.ContainsKey("--url"))
        {
            problems.Add("--url is required (e.g. ws://127.0.0.1:8080/dev)");
        }

        var protocol = ProtocolKind.Seed;
        if (values.TryGetValue("--protocol", out var protocolText))
        {
            switch (protocolText)
            {
                case "seed":
                    break;
                case "signalr":
                    protocol = ProtocolKind.SignalR;
                    break;
                default:
                    problems.Add($"--protocol: unknown protocol '{protocolText}'; expected seed or signalr");
                    break;
            }
        }

        double? rate = null;
        if (values.TryGetValue("--rate", out var rateText))
        {
            if (rateText == "max")
            {
                rate = double.PositiveInfinity;
            }
            else if (double.TryParse(rateText, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r > 0 && double.IsFinite(r))
            {
                rate = r;
            }
            else
            {
                problems.Add($"--rate: '{rateText}' is not a positive number or 'max'");
            }
        }

        var broadcastKey = values.GetValueOrDefault("--broadcast-key", BenchOptions.DefaultBroadcastKey);
        if (broadcastKey.Any(c => c is '"' or '\\' || char.IsControl(c)))
        {
            problems.Add("--broadcast-key: quotes, backslashes and control characters are not supported");
        }

        var action = values.GetValueOrDefault("--action");
        if (action is not null && (action.Length == 0 || action.Any(c => c is '"' or '\\' || char.IsControl(c))))
        {
            problems.Add("--action: give a route name without quotes, backslashes or control characters");
        }

        var stackPids = new List<int>();
        if (values.TryGetValue("--stack-pids", out var pidsText))
        {
            foreach (var part in pidsText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) && pid > 0)
                {
                    stackPids.Add(pid);
                }
                else
                {
                    problems.Add($"--stack-pids: '{part}' is not a process id");
                }
            }
        }

        var options = new BenchOptions
        {
            Scenario = verb,
            Target = values.GetValueOrDefault("--target", "switchboard"),
            Url = url ?? new Uri("ws://127.0.0.1/"),
            Protocol = protocol,
            RestUrl = ParseUri(values, "--rest-url", problems, "http", "https"),
            ApiKey = values.GetValueOrDefault("--api-key"),
            BroadcastKey = broadcastKey,
            Action = action,
            Connections = ParseInt(values, "--connections", 1, problems),
            Publishers = ParseInt(values, "--publishers", 1, problems) ?? 1,
            Size = ParseInt(values, "--size", Payload.BenchPayload.MinSize, problems),
            Rate = rate,
            Window = ParseInt(values, "--window", 1, problems),
            Duration = ParseSeconds(values, "--duration", problems),
            Warmup = ParseSeconds(values, "--warmup", problems, allowZero: true),
            Concurrency = ParseInt(values, "--concurrency", 1, problems),
            ServerPid = ParseInt(values, "--server-pid", 1, problems),
            StackPids = stackPids,
            JsonFile = values.GetValueOrDefault("--json"),
            Smoke = smoke,
            Unordered = unordered,
        };

        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                error.WriteLine($"switchboard-bench: {problem}");
            }

            error.WriteLine("Run 'switchboard-bench --help' for usage.");
            return null;
        }

        return options;
    }

    private static readonly HashSet<string> KnownValueOptions =
    [
        "--target", "--url", "--protocol", "--rest-url", "--api-key", "--broadcast-key", "--action", "--connections", "--publishers",
        "--size", "--rate", "--window", "--duration", "--warmup", "--concurrency", "--server-pid", "--stack-pids", "--json",
    ];

    private static BenchOptions? Fail(TextWriter error, string message)
    {
        error.WriteLine($"switchboard-bench: {message}");
        error.WriteLine("Run 'switchboard-bench --help' for usage.");
        return null;
    }

    private static Uri? ParseUri(Dictionary<string, string> values, string name, List<string> problems, params string[] schemes)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && schemes.Contains(uri.Scheme))
        {
            if (uri.Scheme is "wss" or "https")
            {
                problems.Add($"{name}: TLS ('{uri.Scheme}') is not supported by the generator; benchmark over plain loopback");
                return null;
            }

            return uri;
        }

        problems.Add($"{name}: '{text}' is not a {string.Join(" or ", schemes)} URL");
        return null;
    }

    private static int? ParseInt(Dictionary<string, string> values, string name, int minimum, List<string> problems)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= minimum)
        {
            return value;
        }

        problems.Add($"{name}: '{text}' is not a whole number of at least {minimum}");
        return null;
    }

    private static double? ParseSeconds(Dictionary<string, string> values, string name, List<string> problems, bool allowZero = false)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            && (value > 0 || (allowZero && value == 0)))
        {
            return value;
        }

        problems.Add($"{name}: '{text}' is not a {(allowZero ? "non-negative" : "positive")} number of seconds");
        return null;
    }
}
