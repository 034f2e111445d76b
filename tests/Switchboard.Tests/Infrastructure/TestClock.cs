using Microsoft.Extensions.Time.Testing;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// A clock tests move by hand. The monotonic side (timestamps and timers) moves only with <see cref="Advance"/>; the
/// wall clock (<see cref="GetUtcNow"/>) moves with it and can also be stepped alone with <see cref="StepWallClock"/>,
/// as an NTP correction or an operator's <c>date -s</c> would, to show that no deadline follows the wall clock.
/// </summary>
public sealed class TestClock : TimeProvider
{
    private readonly FakeTimeProvider _monotonic = new(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));
    private TimeSpan _wallOffset;

    public override DateTimeOffset GetUtcNow() => _monotonic.GetUtcNow() + _wallOffset;

    public override long GetTimestamp() => _monotonic.GetTimestamp();

    public override long TimestampFrequency => _monotonic.TimestampFrequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        _monotonic.CreateTimer(callback, state, dueTime, period);

    /// <summary>Moves both clocks forward; timers that come due fire on this thread.</summary>
    public void Advance(TimeSpan by) => _monotonic.Advance(by);

    /// <summary>Moves the wall clock only (either way); timestamps and timers are untouched.</summary>
    public void StepWallClock(TimeSpan by) => _wallOffset += by;
}
