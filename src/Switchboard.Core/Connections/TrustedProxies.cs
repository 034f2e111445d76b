using System.Net;

namespace Switchboard.Connections;

/// <summary>
/// The client address of a handshake behind proxies: the TCP peer's, unless the peer is a trusted proxy
/// (<c>limits.trustedProxies</c>); then the last address of <c>X-Forwarded-For</c> that is not a trusted proxy itself
/// (each proxy appends the address it received from, so the right end is the only part a client cannot forge).
/// </summary>
internal sealed class TrustedProxies
{
    private readonly IPNetwork[] _networks;

    public TrustedProxies(IReadOnlyList<string> entries) =>
        _networks = [.. entries.Select(static e => TryParseEntry(e, out var network) ? network : throw new InvalidOperationException($"invalid trusted proxy '{e}'"))];

    public bool IsEmpty => _networks.Length == 0;

    /// <summary>An address (<c>10.0.0.5</c>, a host network of one) or a network in CIDR form (<c>10.0.0.0/8</c>).</summary>
    public static bool TryParseEntry(string entry, out IPNetwork network)
    {
        if (IPNetwork.TryParse(entry, out network))
        {
            return true;
        }

        if (IPAddress.TryParse(entry, out var address))
        {
            network = new IPNetwork(address, address.GetAddressBytes().Length * 8);
            return true;
        }

        return false;
    }

    /// <summary>The client's address for a connection from <paramref name="peer"/> carrying these forwarded-for values.</summary>
    public string ClientAddress(IPAddress? peer, IEnumerable<string> forwardedFor)
    {
        if (peer is null || !IsTrusted(peer) || _networks.Length == 0)
        {
            return SourceAddresses.Format(peer);
        }

        var hops = forwardedFor.SelectMany(static v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        for (var i = hops.Count - 1; i >= 0; i--)
        {
            if (!IPAddress.TryParse(hops[i], out var hop))
            {
                // Unreadable: what is left of it cannot be trusted either; the last proxy is the best we know.
                break;
            }

            if (!IsTrusted(hop))
            {
                return SourceAddresses.Format(hop);
            }

            peer = hop;
        }

        return SourceAddresses.Format(peer);
    }

    private bool IsTrusted(IPAddress address)
    {
        var normalized = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        foreach (var network in _networks)
        {
            if (network.Contains(normalized))
            {
                return true;
            }
        }

        return false;
    }
}
