using System.Globalization;
using System.Text;

namespace Switchboard.Operations;

/// <summary>
/// Writes metrics in the Prometheus text exposition format, version 0.0.4
/// (https://prometheus.io/docs/instrumenting/exposition_formats/): a <c># HELP</c> and a <c># TYPE</c> line, then one
/// sample, per metric, each sample labelled with the node that wrote it.
/// </summary>
internal static class PrometheusText
{
    /// <summary>Appends every metric in <paramref name="metrics"/>; with a <paramref name="nodeId"/>, each sample carries <c>node="…"</c>.</summary>
    public static void Write(StringBuilder text, IEnumerable<MetricDefinition> metrics, string? nodeId)
    {
        // Built once per scrape: every series of this node has the same label set.
        var labels = nodeId is null ? "" : $"{{node=\"{EscapeLabelValue(nodeId)}\"}}";
        foreach (var metric in metrics)
        {
            text.Append("# HELP ").Append(metric.PrometheusName).Append(' ').Append(EscapeHelp(metric.Help)).Append('\n');
            text.Append("# TYPE ").Append(metric.PrometheusName).Append(' ').Append(TypeOf(metric.Kind)).Append('\n');
            text.Append(metric.PrometheusName).Append(labels).Append(' ')
                .Append(metric.Value().ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    public static string TypeOf(MetricKind kind) => kind == MetricKind.Counter ? "counter" : "gauge";

    /// <summary>A label value escapes backslash, double quote and line feed as <c>\\</c>, <c>\"</c> and <c>\n</c>.</summary>
    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>A <c># HELP</c> text escapes backslash and line feed only; a quote stays as it is there.</summary>
    public static string EscapeHelp(string help) =>
        help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
