using System.Text;

namespace Switchboard.Cli;

/// <summary>Left-aligned columns for CLI listings.</summary>
internal static class TextTable
{
    public static string Render(string[] headers, IEnumerable<string[]> rows)
    {
        var all = new List<string[]> { headers };
        all.AddRange(rows);
        var widths = headers.Select((_, column) => all.Max(row => row[column].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in all)
        {
            for (var column = 0; column < row.Length; column++)
            {
                text.Append(column == row.Length - 1 ? row[column] : row[column].PadRight(widths[column] + 2));
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
