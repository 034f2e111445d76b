using Microsoft.Extensions.Logging;
using Switchboard.Operations;

namespace Switchboard.Registry;

/// <summary>
/// Whether the store accepts writes, as the gateway last saw it. A registry or group store write that failed or missed
/// its deadline, a failed heartbeat or a failed readiness probe marks it refusing: from then on handshakes are answered
/// 503 before <c>$connect</c> runs and <c>/readyz</c> is 503, until <see cref="StoreRecovery"/> sees writes work again.
/// Logged once when the store starts refusing and once when it recovers, however many connections meet the failure.
/// </summary>
internal sealed partial class StoreHealth(GatewayLifecycle lifecycle, ILogger<StoreHealth> logger)
{
    private readonly Lock _lock = new();
    private long _failures;

    public bool IsRefusing => lifecycle.StoreRefusing;

    /// <summary>Failures reported so far; a recovery probe compares it before and after, see <see cref="TryRecover"/>.</summary>
    internal long Failures => Interlocked.Read(ref _failures);

    /// <summary>A store write failed or missed its deadline; <paramref name="operation"/> names it for the log.</summary>
    public void ReportFailure(string operation, Exception? exception)
    {
        Interlocked.Increment(ref _failures);
        lock (_lock)
        {
            if (lifecycle.StoreRefusing)
            {
                return;
            }

            lifecycle.SetStoreRefusing(true);
        }

        LogRefusing(logger, exception, operation);
    }

    /// <summary>
    /// Declares the store healthy again, unless a failure was reported after the probe that saw it work began
    /// (<paramref name="failuresBeforeProbe"/> is <see cref="Failures"/> read before probing): that probe is out of date.
    /// </summary>
    internal bool TryRecover(long failuresBeforeProbe)
    {
        lock (_lock)
        {
            if (!lifecycle.StoreRefusing)
            {
                return true;
            }

            if (Failures != failuresBeforeProbe)
            {
                return false;
            }

            lifecycle.SetStoreRefusing(false);
        }

        LogRecovered(logger);
        return true;
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Warning,
        Message = "The store refuses writes ({Operation} failed or missed its deadline): handshakes are answered 503 and /readyz is 503 until it accepts writes again. Not logged again until then.")]
    private static partial void LogRefusing(ILogger logger, Exception? exception, string operation);

    [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "The store accepts writes again; handshakes are taken")]
    private static partial void LogRecovered(ILogger logger);
}
