using System.Text;
using System.Text.Json;

namespace Switchboard.Bench.Results;

/// <summary>Appends each run as one line of JSON (JSON Lines), so a script can gather runs of many invocations into tables.</summary>
internal static class JsonResults
{
    public static void Append(string path, RunResult run)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("scenario", run.Scenario);
            json.WriteString("target", run.Target);
            json.WriteString("protocol", run.Protocol);
            json.WriteString("timestamp", run.Timestamp);
            json.WriteString("status", run.Status);
            json.WriteStartObject("parameters");
            foreach (var (name, value) in run.Parameters)
            {
                switch (value)
                {
                    case int i:
                        json.WriteNumber(name, i);
                        break;
                    case double d when double.IsFinite(d):
                        json.WriteNumber(name, d);
                        break;
                    default:
                        json.WriteString(name, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                        break;
                }
            }

            json.WriteEndObject();
            json.WriteStartObject("metrics");
            foreach (var metric in run.Metrics)
            {
                json.WriteNumber(metric.Name, Math.Round(metric.Value, 4));
            }

            json.WriteEndObject();
            json.WriteNumber("generatorCpuPercent", Math.Round(run.GeneratorCpuPercent, 1));
            WriteStrings(json, "failures", run.Failures);
            WriteStrings(json, "notes", run.Notes);
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.AppendAllText(path, Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, List<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
