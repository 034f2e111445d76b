namespace Switchboard.Bench.Results;

/// <summary>One measured run: what was asked, what was measured, and whether it passed (every message delivered, nothing failed).</summary>
internal sealed class RunResult(string scenario, string target, string protocol)
{
    public string Scenario { get; } = scenario;

    public string Target { get; } = target;

    public string Protocol { get; } = protocol;

    public DateTimeOffset Timestamp { get; } = DateTimeOffset.UtcNow;

    public List<KeyValuePair<string, object>> Parameters { get; } = [];

    public List<Metric> Metrics { get; } = [];

    public List<string> Failures { get; } = [];

    public List<string> Notes { get; } = [];

    /// <summary>The generator's CPU over the measured interval, in percent of one core.</summary>
    public double GeneratorCpuPercent { get; set; }

    /// <summary>The few numbers that matter, for the summary table.</summary>
    public string Headline { get; set; } = "";

    /// <summary>Not run, with the reason in <see cref="Notes"/>.</summary>
    public bool Skipped { get; set; }

    /// <summary>Skipped for want of an option (an API key, a server pid), not because the target lacks the feature.</summary>
    public bool SkippedForInput { get; set; }

    public string Status => Skipped ? "skipped" : Failures.Count == 0 ? "ok" : "FAIL";

    public RunResult Parameter(string name, object value)
    {
        Parameters.Add(new(name, value));
        return this;
    }

    public RunResult Metric(string name, double value, string unit)
    {
        Metrics.Add(new Metric(name, value, unit));
        return this;
    }

    public RunResult Fail(string failure)
    {
        Failures.Add(failure);
        return this;
    }

    public RunResult Skip(string reason, bool missingInput = false)
    {
        Skipped = true;
        SkippedForInput = missingInput;
        Notes.Add(reason);
        return this;
    }
}

/// <summary>A named number; <see cref="Unit"/> is for people (ms, msgs/s, bytes, %), the JSON key carries the name.</summary>
internal readonly record struct Metric(string Name, double Value, string Unit);
