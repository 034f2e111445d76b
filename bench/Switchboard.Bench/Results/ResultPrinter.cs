using System.Globalization;
using System.Text;

namespace Switchboard.Bench.Results;

/// <summary>The human-readable output on standard output: a block per run as it finishes, and a table of all runs at the end.</summary>
internal static class ResultPrinter
{
    /// <summary>The unit of a metric that is an identifier (a close code), printed as is.</summary>
    public const string CodeUnit = "(close code)";

    public static void PrintRun(RunResult run, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"== {run.Scenario} · {run.Target} ({run.Protocol}) ==");
        if (run.Parameters.Count > 0)
        {
            output.WriteLine("  " + string.Join(", ", run.Parameters.Select(p => $"{p.Key} {Format(p.Value)}")));
        }

        foreach (var metric in run.Metrics)
        {
            var value = metric.Unit == CodeUnit ? metric.Value.ToString(CultureInfo.InvariantCulture) : FormatNumber(metric.Value);
            output.WriteLine($"  {metric.Name,-34} {value,16} {metric.Unit}");
        }

        if (!run.Skipped)
        {
            var saturated = run.GeneratorCpuPercent >= 90 ? "  (near saturation: the numbers may be the generator's limit, not the server's)" : "";
            output.WriteLine($"  {"generator CPU",-34} {FormatNumber(run.GeneratorCpuPercent),16} % of one core{saturated}");
        }

        foreach (var note in run.Notes)
        {
            output.WriteLine($"  note: {note}");
        }

        foreach (var failure in run.Failures)
        {
            output.WriteLine($"  FAILED: {failure}");
        }

        output.WriteLine($"  status: {run.Status}");
    }

    public static void PrintTable(IReadOnlyList<RunResult> runs, TextWriter output)
    {
        var header = new[] { "scenario", "target", "result", "gen CPU", "status" };
        var rows = runs.Select(r => new[]
        {
            r.Scenario,
            r.Target,
            r.Skipped ? string.Join("; ", r.Notes) : r.Headline,
            r.Skipped ? "" : $"{r.GeneratorCpuPercent:0}%",
            r.Status,
        }).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(i => rows.Select(r => r[i].Length).Prepend(header[i].Length).Max()).ToArray();
        var text = new StringBuilder();
        text.AppendLine();
        AppendRow(text, header, widths);
        AppendRow(text, widths.Select(w => new string('-', w)).ToArray(), widths);
        foreach (var row in rows)
        {
            AppendRow(text, row, widths);
        }

        output.Write(text.ToString());
    }

    public static string FormatNumber(double value) =>
        Math.Abs(value) >= 100 || value == Math.Floor(value)
            ? value.ToString("N0", CultureInfo.InvariantCulture)
            : value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Format(object value) => value switch
    {
        double d => FormatNumber(d),
        int i => i.ToString(CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static void AppendRow(StringBuilder text, string[] cells, int[] widths)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            text.Append(i == cells.Length - 1 ? cells[i] + "\n" : cells[i].PadRight(widths[i]) + "  ");
        }
    }
}
