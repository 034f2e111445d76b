using System.Collections.Concurrent;

namespace Switchboard.Authorizers;

/// <summary>
/// A REQUEST authorizer's answers by identity values, each kept for the configured TTL on the TimeProvider's clock.
/// Bounded: past <see cref="MaxEntries"/> the expired entries are dropped, and if that is not enough, all of them (a
/// cache miss only costs a call), so clients sending random identity values cannot grow it.
/// </summary>
internal sealed class AuthorizerCache(TimeSpan ttl, TimeProvider time)
{
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (AuthorizerDecision Decision, long Expires)> _entries = new(StringComparer.Ordinal);

    public bool TryGet(string key, out AuthorizerDecision decision)
    {
        if (_entries.TryGetValue(key, out var entry) && time.GetTimestamp() < entry.Expires)
        {
            decision = entry.Decision;
            return true;
        }

        decision = null!;
        return false;
    }

    public void Add(string key, AuthorizerDecision decision)
    {
        var now = time.GetTimestamp();
        if (_entries.Count >= MaxEntries)
        {
            foreach (var (staleKey, entry) in _entries)
            {
                if (entry.Expires <= now)
                {
                    _entries.TryRemove(staleKey, out _);
                }
            }

            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear();
            }
        }

        _entries[key] = (decision, now + (long)(ttl.TotalSeconds * time.TimestampFrequency));
    }
}
