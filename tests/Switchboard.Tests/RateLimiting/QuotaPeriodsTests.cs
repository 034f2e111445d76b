using System.Globalization;
using Switchboard.Auth;
using Switchboard.RateLimiting;

namespace Switchboard.Tests.RateLimiting;

public sealed class QuotaPeriodsTests
{
    [Theory]
    // UTC calendar days; the last millisecond of a day is still in it.
    [InlineData("DAY", "2026-12-02T12:00:00Z", "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z")]
    [InlineData("DAY", "2026-12-02T00:00:00Z", "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z")]
    [InlineData("DAY", "2026-12-02T23:59:59.999Z", "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z")]
    [InlineData("DAY", "2026-12-31T23:00:00Z", "2026-12-31T00:00:00Z", "2027-01-01T00:00:00Z")]
    // An offset time is read in UTC: 01:00 at +02:00 is 23:00 the day before.
    [InlineData("DAY", "2026-12-03T01:00:00+02:00", "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z")]
    // ISO weeks, Monday to Monday (2026-12-07 is a Monday).
    [InlineData("WEEK", "2026-12-07T00:00:00Z", "2026-12-07T00:00:00Z", "2026-12-14T00:00:00Z")]
    [InlineData("WEEK", "2026-12-09T15:30:00Z", "2026-12-07T00:00:00Z", "2026-12-14T00:00:00Z")]
    [InlineData("WEEK", "2026-12-13T23:59:59.999Z", "2026-12-07T00:00:00Z", "2026-12-14T00:00:00Z")]
    [InlineData("WEEK", "2026-12-06T23:59:59Z", "2026-11-30T00:00:00Z", "2026-12-07T00:00:00Z")]
    // A week across the new year: 2027-01-01 is a Friday.
    [InlineData("WEEK", "2027-01-01T08:00:00Z", "2026-12-28T00:00:00Z", "2027-01-04T00:00:00Z")]
    // Calendar months, of every length.
    [InlineData("MONTH", "2026-12-02T12:00:00Z", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("MONTH", "2026-12-31T23:59:59.999Z", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("MONTH", "2027-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z")]
    [InlineData("MONTH", "2027-02-28T23:00:00Z", "2027-02-01T00:00:00Z", "2027-03-01T00:00:00Z")]
    [InlineData("MONTH", "2028-02-29T12:00:00Z", "2028-02-01T00:00:00Z", "2028-03-01T00:00:00Z")]
    [InlineData("MONTH", "2027-04-30T12:00:00Z", "2027-04-01T00:00:00Z", "2027-05-01T00:00:00Z")]
    public void Bounds_AreUtcCalendarPeriods(string period, string now, string start, string end)
    {
        var (actualStart, actualEnd) = QuotaPeriods.Bounds(QuotaPeriods.Parse(period), Time(now));

        Assert.Equal(Time(start), actualStart);
        Assert.Equal(Time(end), actualEnd);
        Assert.Equal(TimeSpan.Zero, actualStart.Offset);
    }

    [Theory]
    // Created inside the current period: the offset comes off the limit.
    [InlineData("DAY", "2026-12-02T09:00:00Z", "2026-12-02T18:00:00Z", 7)]
    [InlineData("DAY", "2026-12-02T00:00:00Z", "2026-12-02T23:59:59Z", 7)]
    [InlineData("WEEK", "2026-12-07T00:00:00Z", "2026-12-13T12:00:00Z", 7)]
    [InlineData("MONTH", "2026-12-31T23:59:59Z", "2026-12-31T23:59:59.500Z", 7)]
    // Created in an earlier period: the whole limit, from the next period on.
    [InlineData("DAY", "2026-12-01T23:59:59.999Z", "2026-12-02T00:00:00Z", 10)]
    [InlineData("WEEK", "2026-12-06T23:00:00Z", "2026-12-07T01:00:00Z", 10)]
    [InlineData("MONTH", "2026-11-15T00:00:00Z", "2026-12-02T00:00:00Z", 10)]
    [InlineData("MONTH", "2025-12-15T00:00:00Z", "2026-12-16T00:00:00Z", 10)]
    public void Offset_ComesOffTheLimit_InThePeriodTheKeyWasCreatedInOnly(string period, string createdAt, string now, int allowed)
    {
        var quota = new QuotaLimit(10, 3, QuotaPeriods.Parse(period));

        Assert.Equal(allowed, quota.WindowFor(new ApiKeyRecord("k", "p", Time(createdAt)), Time(now)).Allowed);
    }

    [Fact]
    public void Counter_NamesThePeriodTheDayTheKeyAndItsCreation_SoARemadeKeyStartsAtZero()
    {
        var quota = new QuotaLimit(10, 0, QuotaPeriod.Week);
        var now = Time("2026-12-09T10:00:00Z");
        var key = new ApiKeyRecord("mobile/app", "p", Time("2026-01-02T03:04:05.678Z"));
        var remade = key with { CreatedAt = key.CreatedAt.AddMilliseconds(1) };

        var window = quota.WindowFor(key, now);

        Assert.Equal("WEEK/2026-12-07/1767323045678/mobile/app", window.Counter);
        Assert.Equal(Time("2026-12-14T00:00:00Z"), window.End);
        Assert.NotEqual(window.Counter, quota.WindowFor(remade, now).Counter);
        Assert.NotEqual(window.Counter, quota.WindowFor(key, Time("2026-12-14T00:00:00Z")).Counter);
        Assert.NotEqual(window.Counter, new QuotaLimit(10, 0, QuotaPeriod.Month).WindowFor(key, Time("2026-12-07T10:00:00Z")).Counter);
    }

    private static DateTimeOffset Time(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
