using System.Text;
using Switchboard.Operations;

namespace Switchboard.Tests.Operations;

/// <summary>The Prometheus text exposition format (version 0.0.4) as /metrics writes it, without a server.</summary>
public sealed class PrometheusTextTests
{
    private static MetricDefinition Metric(string prometheusName, MetricKind kind, string help, long value) => new()
    {
        PrometheusName = prometheusName,
        InstrumentName = "switchboard.test",
        Kind = kind,
        Unit = "{thing}",
        Help = help,
        Value = () => value,
    };

    private static string Render(string? nodeId, params MetricDefinition[] metrics)
    {
        var text = new StringBuilder();
        PrometheusText.Write(text, metrics, nodeId);
        return text.ToString();
    }

    [Fact]
    public void EverySample_CarriesTheNodeLabel_AfterItsHelpAndType()
    {
        var text = Render(
            "host-a:8080",
            Metric("switchboard_things_total", MetricKind.Counter, "Things counted.", 12),
            Metric("switchboard_level", MetricKind.UpDownCounter, "A level.", -3),
            Metric("switchboard_peers", MetricKind.Gauge, "Peers seen.", 2));

        Assert.Equal(
            "# HELP switchboard_things_total Things counted.\n"
            + "# TYPE switchboard_things_total counter\n"
            + "switchboard_things_total{node=\"host-a:8080\"} 12\n"
            + "# HELP switchboard_level A level.\n"
            + "# TYPE switchboard_level gauge\n"
            + "switchboard_level{node=\"host-a:8080\"} -3\n"
            + "# HELP switchboard_peers Peers seen.\n"
            + "# TYPE switchboard_peers gauge\n"
            + "switchboard_peers{node=\"host-a:8080\"} 2\n",
            text);
    }

    [Fact]
    public void WithoutANode_SamplesHaveNoLabels()
    {
        var text = Render(null, Metric("switchboard_things_total", MetricKind.Counter, "Things counted.", 7));

        Assert.EndsWith("\nswitchboard_things_total 7\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain:8080", "plain:8080")]
    [InlineData("say \"hi\"", "say \\\"hi\\\"")]
    [InlineData("C:\\node", "C:\\\\node")]
    [InlineData("two\nlines", "two\\nlines")]
    [InlineData("\\\"", "\\\\\\\"")]
    public void NodeLabelValue_EscapesBackslashQuoteAndNewline(string nodeId, string escaped)
    {
        var text = Render(nodeId, Metric("switchboard_things_total", MetricKind.Counter, "Things counted.", 1));

        Assert.Contains($"\nswitchboard_things_total{{node=\"{escaped}\"}} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void HelpText_EscapesBackslashAndNewline_KeepsQuotes()
    {
        var text = Render("n", Metric("switchboard_things_total", MetricKind.Counter, "A \"path\" C:\\x\nsecond line", 1));

        Assert.StartsWith("# HELP switchboard_things_total A \"path\" C:\\\\x\\nsecond line\n", text, StringComparison.Ordinal);
    }
}
