using System.Collections.Concurrent;

namespace Switchboard.Connections;

/// <summary>
/// The connection caps (<c>limits.maxConnections</c>, <c>limits.maxConnectionsPerIp</c>), checked when a handshake has
/// been read and before anything is built for it; a refused handshake is answered 429. Counts are taken at admission
/// and given back when the connection's session ends (after <c>$disconnect</c>), so a closing connection still counts.
/// </summary>
public sealed class ConnectionAdmission
{
    private readonly ConcurrentDictionary<string, int> _perAddress = new(StringComparer.Ordinal);
    private int _total;

    /// <summary>Connections admitted and not yet released.</summary>
    public int Count => Volatile.Read(ref _total);

    /// <summary>Takes a place for a connection from <paramref name="address"/>; null when admitted, else why not.</summary>
    public string? TryAdmit(string address, int maxConnections, int maxPerAddress)
    {
        if (Interlocked.Increment(ref _total) > maxConnections)
        {
            Interlocked.Decrement(ref _total);
            return $"Too Many Requests: this node holds its maximum of {maxConnections} connections (limits.maxConnections)";
        }

        var added = _perAddress.AddOrUpdate(address, 1, static (_, count) => count + 1);
        if (added > maxPerAddress)
        {
            Release(address);
            return $"Too Many Requests: {maxPerAddress} connections from this address are open (limits.maxConnectionsPerIp)";
        }

        return null;
    }

    public void Release(string address)
    {
        Interlocked.Decrement(ref _total);
        while (_perAddress.TryGetValue(address, out var count))
        {
            // Drop the entry at zero, so addresses seen once do not stay in memory.
            if (count <= 1
                ? _perAddress.TryRemove(new KeyValuePair<string, int>(address, count))
                : _perAddress.TryUpdate(address, count - 1, count))
            {
                return;
            }
        }
    }
}
