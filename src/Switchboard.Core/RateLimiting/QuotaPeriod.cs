namespace Switchboard.RateLimiting;

/// <summary>The period a quota counts over, in UTC: calendar day, ISO week (from Monday) or calendar month.</summary>
internal enum QuotaPeriod
{
    Day,
    Week,
    Month,
}

/// <summary>Where periods begin and end. API Gateway states no reset boundary; these are UTC calendar periods.</summary>
internal static class QuotaPeriods
{
    /// <summary>The period named as in the definition: <c>DAY</c>, <c>WEEK</c> or <c>MONTH</c>.</summary>
    public static QuotaPeriod Parse(string period) => period switch
    {
        "DAY" => QuotaPeriod.Day,
        "WEEK" => QuotaPeriod.Week,
        "MONTH" => QuotaPeriod.Month,
        _ => throw new ArgumentOutOfRangeException(nameof(period), period, "expected DAY, WEEK or MONTH"),
    };

    public static string Name(QuotaPeriod period) => period switch
    {
        QuotaPeriod.Day => "DAY",
        QuotaPeriod.Week => "WEEK",
        _ => "MONTH",
    };

    /// <summary>The period holding <paramref name="now"/>: its first instant and the first instant of the next.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Bounds(QuotaPeriod period, DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        var day = new DateTimeOffset(utc.Date, TimeSpan.Zero);
        switch (period)
        {
            case QuotaPeriod.Day:
                return (day, day.AddDays(1));
            case QuotaPeriod.Week:
                // DayOfWeek counts from Sunday (0); ISO weeks start on Monday.
                var monday = day.AddDays(-(((int)utc.DayOfWeek + 6) % 7));
                return (monday, monday.AddDays(7));
            default:
                var first = new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
                return (first, first.AddMonths(1));
        }
    }
}
