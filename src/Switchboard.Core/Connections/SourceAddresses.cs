using System.Net;

namespace Switchboard.Connections;

/// <summary>Client addresses as the registry and GetConnection show them: IPv4 addresses without the IPv6 mapping.</summary>
internal static class SourceAddresses
{
    public static string Format(IPAddress? address) =>
        address is null ? "" : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
}
