using System.Diagnostics;

namespace Switchboard.Tests.Infrastructure;

/// <summary>Polls for a condition instead of sleeping a fixed time: fast when the system is fast, patient when it is loaded.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Waits until <paramref name="condition"/> returns true; fails the test with <paramref name="what"/> when it never does.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string what = "the condition")
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            // One check may take as long as the time left (at least a second, so a slow last check can still pass).
            var left = limit - clock.Elapsed;
            if (await condition().WaitAsync(left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1)))
            {
                return;
            }

            if (clock.Elapsed >= limit)
            {
                Assert.Fail($"{what} did not become true within {limit.TotalSeconds:0.#} s");
            }

            await Task.Delay(pause);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 200));
        }
    }

    /// <summary>Synchronous-condition overload.</summary>
    public static Task TrueAsync(Func<bool> condition, TimeSpan? timeout = null, string what = "the condition") =>
        TrueAsync(() => Task.FromResult(condition()), timeout, what);
}
