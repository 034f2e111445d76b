using System.Globalization;

namespace Switchboard.Templates;

/// <summary>Comparison and arithmetic with Velocity 1.7's rules.</summary>
internal static class VtlOperators
{
    /// <summary>
    /// Numbers compare by value; values of different kinds compare by their text, so
    /// <c>$foreach.count == "1"</c> and <c>$flag == "true"</c> hold as they do in Velocity 1.7.
    /// </summary>
    public static bool AreEqual(object? left, object? right)
    {
        if (ReferenceEquals(left, right))
        {
            return true;
        }

        if (left is null || right is null)
        {
            return left is null && right is null;
        }

        if (VtlValues.IsNumber(left) && VtlValues.IsNumber(right))
        {
            return CompareNumbers(left, right) == 0;
        }

        return left switch
        {
            string s when right is string t => string.Equals(s, t, StringComparison.Ordinal),
            bool b when right is bool c => b == c,
            IReadOnlyList<object?> a when right is IReadOnlyList<object?> b => ListsEqual(a, b),
            IReadOnlyDictionary<string, object?> a when right is IReadOnlyDictionary<string, object?> b => MapsEqual(a, b),
            _ => string.Equals(VtlValues.ToText(left), VtlValues.ToText(right), StringComparison.Ordinal),
        };
    }

    /// <summary>Orders two numbers, or two strings by ordinal; anything else does not compare (null).</summary>
    public static int? Compare(object? left, object? right)
    {
        if (VtlValues.IsNumber(left) && VtlValues.IsNumber(right))
        {
            return CompareNumbers(left!, right!);
        }

        if (left is string s && right is string t)
        {
            return string.CompareOrdinal(s, t);
        }

        return null;
    }

    /// <summary>Integer arithmetic stays integral (division truncates); a double on either side makes a double.
    /// '+' with a string on either side concatenates. Null operands and division by zero give null.</summary>
    public static object? Arithmetic(char op, object? left, object? right)
    {
        if (op == '+' && (left is string || right is string))
        {
            return VtlValues.ToText(left) + VtlValues.ToText(right);
        }

        if (!VtlValues.IsNumber(left) || !VtlValues.IsNumber(right))
        {
            return null;
        }

        if (VtlValues.IsIntegral(left) && VtlValues.IsIntegral(right))
        {
            var a = ToLong(left!);
            var b = ToLong(right!);
            try
            {
                return op switch
                {
                    '+' => checked(a + b),
                    '-' => checked(a - b),
                    '*' => checked(a * b),
                    '/' => b == 0 ? null : checked(a / b),
                    '%' => b == 0 ? null : a % b,
                    _ => null,
                };
            }
            catch (OverflowException)
            {
                // Velocity widens to BigInteger; a double keeps the magnitude without a big-number type.
                return DoubleArithmetic(op, a, b);
            }
        }

        return DoubleArithmetic(op, ToDouble(left!), ToDouble(right!));
    }

    public static object? Negate(object? value)
    {
        if (VtlValues.IsIntegral(value))
        {
            var l = ToLong(value!);
            return l == long.MinValue ? -(double)l : (object)(-l);
        }

        return VtlValues.IsNumber(value) ? -ToDouble(value!) : null;
    }

    private static object? DoubleArithmetic(char op, double a, double b) => op switch
    {
        '+' => a + b,
        '-' => a - b,
        '*' => a * b,
        '/' => b == 0 ? null : a / b,
        '%' => b == 0 ? null : a % b,
        _ => null,
    };

    private static int CompareNumbers(object left, object right) =>
        VtlValues.IsIntegral(left) && VtlValues.IsIntegral(right)
            ? ToLong(left).CompareTo(ToLong(right))
            : ToDouble(left).CompareTo(ToDouble(right));

    private static long ToLong(object value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);

    private static double ToDouble(object value) => Convert.ToDouble(value, CultureInfo.InvariantCulture);

    private static bool ListsEqual(IReadOnlyList<object?> a, IReadOnlyList<object?> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (!AreEqual(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool MapsEqual(IReadOnlyDictionary<string, object?> a, IReadOnlyDictionary<string, object?> b) =>
        a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var other) && AreEqual(pair.Value, other));
}
