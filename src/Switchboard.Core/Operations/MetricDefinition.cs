using System.Text.RegularExpressions;

namespace Switchboard.Operations;

/// <summary>
/// One metric, described once: <see cref="GatewayMetrics"/> publishes it as an observable instrument on the
/// <c>Switchboard</c> meter and writes it on <c>GET /metrics</c> from this same record, so the two cannot drift.
/// </summary>
public sealed partial record MetricDefinition
{
    /// <summary>
    /// Required. The series name on <c>/metrics</c>, <c>switchboard_</c> then snake case; a <see cref="MetricKind.Counter"/>'s
    /// ends in <c>_total</c>. Users' dashboards and alerts scrape it: never rename one that has shipped.
    /// </summary>
    public required string PrometheusName { get; init; }

    /// <summary>
    /// Required. The instrument name on the meter, in OpenTelemetry's style: dot-separated, lower case, no unit and no
    /// <c>_total</c> (<c>switchboard.messages.sent</c>).
    /// </summary>
    public required string InstrumentName { get; init; }

    /// <summary>Required. Counter, up-down counter or gauge; decides the Prometheus type and the instrument.</summary>
    public required MetricKind Kind { get; init; }

    /// <summary>Required. The instrument's unit in UCUM as OpenTelemetry writes it: <c>By</c>, <c>s</c>, or a count's <c>{message}</c>.</summary>
    public required string Unit { get; init; }

    /// <summary>Required. One sentence: the Prometheus <c># HELP</c> text and the instrument's description.</summary>
    public required string Help { get; init; }

    /// <summary>
    /// Required. Reads the current value. Called on every scrape and every meter collection, from any thread: read
    /// a field the owner updates with <see cref="Interlocked"/> (<c>Volatile.Read</c>), take no lock.
    /// </summary>
    public required Func<long> Value { get; init; }

    /// <summary>Every problem with the names, all at once, so a bad definition fails its first test with one message.</summary>
    internal IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!PrometheusNamePattern().IsMatch(PrometheusName))
        {
            problems.Add($"prometheusName '{PrometheusName}': expected switchboard_ then lower-case letters, digits and '_'");
        }
        else if ((Kind == MetricKind.Counter) != PrometheusName.EndsWith("_total", StringComparison.Ordinal))
        {
            problems.Add(Kind == MetricKind.Counter
                ? $"prometheusName '{PrometheusName}': a counter's name ends in _total"
                : $"prometheusName '{PrometheusName}': only a counter's name ends in _total");
        }

        if (!InstrumentNamePattern().IsMatch(InstrumentName))
        {
            problems.Add($"instrumentName '{InstrumentName}': expected switchboard. then lower-case words of letters, digits and '_' joined by '.'");
        }

        if (string.IsNullOrWhiteSpace(Unit))
        {
            problems.Add($"unit of '{InstrumentName}': required (By, s, or a count's {{thing}})");
        }

        if (string.IsNullOrWhiteSpace(Help))
        {
            problems.Add($"help of '{InstrumentName}': required");
        }

        return problems;
    }

    [GeneratedRegex("^switchboard_[a-z0-9_]+$")]
    private static partial Regex PrometheusNamePattern();

    // OpenTelemetry drops instruments whose names break its rule (a letter, then up to 254 of letters, digits, '_',
    // '.', '-', '/'); this is the narrower house style inside it.
    [GeneratedRegex("^switchboard(\\.[a-z][a-z0-9_]*)+$")]
    private static partial Regex InstrumentNamePattern();
}
