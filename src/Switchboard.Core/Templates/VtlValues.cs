using System.Globalization;
using System.Text;

namespace Switchboard.Templates;

/// <summary>
/// How template values behave: truthiness and text form follow Velocity 1.7 on the JVM, because
/// API Gateway renders a map as <c>{a=1, b=[x, y]}</c> and a double as <c>1.0</c>, and templates
/// written against it expect that output.
/// </summary>
internal static class VtlValues
{
    private const int MaxPrintDepth = 100;

    /// <summary>Velocity 1.7: only null and false are false; an empty string or list is true.</summary>
    public static bool IsTrue(object? value) => value switch
    {
        null => false,
        bool b => b,
        _ => true,
    };

    public static bool IsNumber(object? value) =>
        value is long or int or double or float or decimal or short or byte or uint or ulong or sbyte or ushort;

    public static bool IsIntegral(object? value) =>
        value is long or int or short or byte or uint or sbyte or ushort;

    public static bool TryGetInt(object? value, out int result)
    {
        if (IsIntegral(value))
        {
            var wide = Convert.ToInt64(value, CultureInfo.InvariantCulture);
            if (wide is >= int.MinValue and <= int.MaxValue)
            {
                result = (int)wide;
                return true;
            }
        }

        result = 0;
        return false;
    }

    public static string ToText(object? value)
    {
        switch (value)
        {
            case null:
                return "";
            case string s:
                return s;
            case bool b:
                return b ? "true" : "false";
            case long l:
                return l.ToString(CultureInfo.InvariantCulture);
            default:
                // A list printed as text is held to the output cap: it may hold the body 1,000 times over.
                var builder = new StringBuilder(16, MappingTemplate.MaxOutputChars);
                Append(builder, value);
                return builder.ToString();
        }
    }

    /// <summary>Appends the value as Velocity prints it; a top-level null prints nothing.</summary>
    public static void Append(StringBuilder output, object? value)
    {
        if (value is not null)
        {
            AppendJava(output, value, 0);
        }
    }

    // Java's toString: inside a collection a null element prints as "null".
    private static void AppendJava(StringBuilder output, object? value, int depth)
    {
        // A map put into itself would recurse forever; JSON input is capped at 64 levels anyway.
        if (depth > MaxPrintDepth)
        {
            throw new TemplateRenderException($"a value nests deeper than {MaxPrintDepth} levels; does a map or list contain itself?");
        }

        switch (value)
        {
            case null:
                output.Append("null");
                break;
            case string s:
                output.Append(s);
                break;
            case bool b:
                output.Append(b ? "true" : "false");
                break;
            case double d:
                output.Append(FormatDouble(d));
                break;
            case float f:
                output.Append(FormatDouble(f));
                break;
            case IReadOnlyDictionary<string, object?> map:
                AppendMap(output, map, depth);
                break;
            case IReadOnlyList<object?> list:
                AppendList(output, list, depth);
                break;
            case IFormattable formattable:
                output.Append(formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                output.Append(value.ToString());
                break;
        }
    }

    private static void AppendMap(StringBuilder output, IReadOnlyDictionary<string, object?> map, int depth)
    {
        output.Append('{');
        var first = true;
        foreach (var (key, item) in map)
        {
            if (!first)
            {
                output.Append(", ");
            }

            first = false;
            output.Append(key).Append('=');
            AppendJava(output, item, depth + 1);
        }

        output.Append('}');
    }

    private static void AppendList(StringBuilder output, IReadOnlyList<object?> list, int depth)
    {
        output.Append('[');
        for (var i = 0; i < list.Count; i++)
        {
            if (i > 0)
            {
                output.Append(", ");
            }

            AppendJava(output, list[i], depth + 1);
        }

        output.Append(']');
    }

    /// <summary>Java's Double.toString: <c>1.0</c>, <c>0.001</c>, <c>1.0E7</c>, <c>1.5E-4</c>.</summary>
    public static string FormatDouble(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        var magnitude = Math.Abs(value);
        if (magnitude == 0 || (magnitude >= 1e-3 && magnitude < 1e7))
        {
            var plain = value.ToString("R", CultureInfo.InvariantCulture);
            return plain.Contains('.', StringComparison.Ordinal) ? plain : plain + ".0";
        }

        return ToJavaScientific(value.ToString("R", CultureInfo.InvariantCulture));
    }

    // "R" is the shortest round-trip form, either "1E+20" / "1.5E-05" or plain digits such as
    // "12345678.9"; Java prints both as d.dddE±n with at least one fractional digit.
    private static string ToJavaScientific(string roundTrip)
    {
        var sign = roundTrip.StartsWith('-') ? "-" : "";
        var body = sign.Length == 1 ? roundTrip[1..] : roundTrip;
        var exponent = 0;
        var e = body.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            exponent = int.Parse(body[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            body = body[..e];
        }

        var point = body.IndexOf('.', StringComparison.Ordinal);
        var digits = point >= 0 ? body.Remove(point, 1) : body;
        var integerDigits = point >= 0 ? point : body.Length;
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        exponent += integerDigits - leadingZeros - 1;
        var fraction = digits.Length > 1 ? digits[1..] : "0";
        return sign + digits[0] + "." + fraction + "E" + exponent.ToString(CultureInfo.InvariantCulture);
    }
}
