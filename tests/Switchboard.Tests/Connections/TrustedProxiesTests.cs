using System.Net;
using Switchboard.Connections;

namespace Switchboard.Tests.Connections;

/// <summary>Which address is the client's when a handshake arrives through proxies.</summary>
public sealed class TrustedProxiesTests
{
    [Theory]
    [InlineData(new string[0], "10.0.0.5", "203.0.113.7", "10.0.0.5")]
    [InlineData(new[] { "10.0.0.5" }, "10.0.0.5", "203.0.113.7", "203.0.113.7")]
    [InlineData(new[] { "10.0.0.0/8" }, "10.1.2.3", "203.0.113.7", "203.0.113.7")]
    [InlineData(new[] { "10.0.0.5" }, "192.0.2.9", "203.0.113.7", "192.0.2.9")]
    [InlineData(new[] { "10.0.0.0/8" }, "10.0.0.5", "198.51.100.1, 203.0.113.7, 10.0.0.9", "203.0.113.7")]
    [InlineData(new[] { "10.0.0.0/8" }, "10.0.0.5", "10.0.0.7, 10.0.0.9", "10.0.0.7")]
    [InlineData(new[] { "10.0.0.0/8" }, "10.0.0.5", "", "10.0.0.5")]
    [InlineData(new[] { "10.0.0.0/8" }, "10.0.0.5", "not-an-address, 10.0.0.9", "10.0.0.9")]
    [InlineData(new[] { "::1" }, "::1", "2001:db8::7", "2001:db8::7")]
    [InlineData(new[] { "127.0.0.1" }, "::ffff:127.0.0.1", "203.0.113.7", "203.0.113.7")]
    public void ClientAddress_IsTheLastUntrustedHop(string[] trusted, string peer, string forwardedFor, string expected) =>
        Assert.Equal(expected, new TrustedProxies(trusted).ClientAddress(IPAddress.Parse(peer), forwardedFor.Length == 0 ? [] : [forwardedFor]));

    [Fact]
    public void SeveralHeaderLines_AreReadAsOneList()
    {
        var proxies = new TrustedProxies(["10.0.0.0/8"]);

        Assert.Equal("203.0.113.7", proxies.ClientAddress(IPAddress.Parse("10.0.0.5"), ["198.51.100.1", "203.0.113.7, 10.0.0.2"]));
    }

    [Theory]
    [InlineData("10.0.0.5", true)]
    [InlineData("10.0.0.0/8", true)]
    [InlineData("fd00::/8", true)]
    [InlineData("::1", true)]
    [InlineData("10.0.0.0/33", false)]
    [InlineData("proxy.internal", false)]
    [InlineData("", false)]
    public void Entries_AreAddressesOrNetworks(string entry, bool valid) =>
        Assert.Equal(valid, TrustedProxies.TryParseEntry(entry, out _));
}
