namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// A wall clock that starts at a chosen instant and runs at real speed. For stores that measure real time themselves
/// (a Redis key's time to live), so what they report agrees with the fixed dates a contract test uses; a clock that
/// stood still would drift from Redis by however long the test ran.
/// </summary>
public sealed class RunningClock(DateTimeOffset start) : TimeProvider
{
    private readonly long _started = System.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => start + System.GetElapsedTime(_started);
}
