using System.Buffers;
using System.Text;
using Switchboard.Connections;

namespace Switchboard.Tests.Connections;

/// <summary>The raw-socket handshake parser: incremental scanning and the heads it leaves to Kestrel.</summary>
public sealed class HandshakeRequestTests
{
    private const string Head =
        "GET /dev?token=a HTTP/1.1\r\nHost: example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nX-Custom: v\r\n\r\n";

    [Fact]
    public void HeadArrivingAByteAtATime_IsFoundWhenItsLastByteArrives()
    {
        var bytes = Encoding.ASCII.GetBytes(Head);
        long scanned = 0;
        for (var length = 1; length < bytes.Length; length++)
        {
            var status = HandshakeRequest.TryParse(new ReadOnlySequence<byte>(bytes, 0, length), ref scanned, out _, out _);
            Assert.Equal(HandshakeRequest.ParseStatus.NeedMoreData, status);
            Assert.Equal(length, scanned);
        }

        var last = HandshakeRequest.TryParse(new ReadOnlySequence<byte>(bytes), ref scanned, out var request, out var end);

        Assert.Equal(HandshakeRequest.ParseStatus.WebSocket, last);
        Assert.Equal(bytes.Length, new ReadOnlySequence<byte>(bytes).Slice(0, end).Length);
        Assert.Equal("/dev", request!.Path);
        Assert.Equal("token=a", request.RawQuery);
        Assert.Contains(new KeyValuePair<string, string>("X-Custom", "v"), request.Headers);
    }

    [Theory]
    [InlineData("X-Bad: a\u0001b\r\n")]
    [InlineData("X-Bad: a\rb\r\n")]
    [InlineData("Bad Name: x\r\n")]
    public void BrokenHeaders_AreLeftToKestrel(string extra)
    {
        var bytes = Encoding.Latin1.GetBytes(Head.Replace("X-Custom: v\r\n", extra, StringComparison.Ordinal));
        long scanned = 0;

        Assert.Equal(HandshakeRequest.ParseStatus.NotHandled, HandshakeRequest.TryParse(new ReadOnlySequence<byte>(bytes), ref scanned, out _, out _));
    }

    [Fact]
    public void MissingHost_IsLeftToKestrel()
    {
        var bytes = Encoding.ASCII.GetBytes(Head.Replace("Host: example\r\n", "", StringComparison.Ordinal));
        long scanned = 0;

        Assert.Equal(HandshakeRequest.ParseStatus.NotHandled, HandshakeRequest.TryParse(new ReadOnlySequence<byte>(bytes), ref scanned, out _, out _));
    }

    [Fact]
    public void HeadLongerThanTheLimit_IsLeftToKestrel()
    {
        var bytes = Encoding.ASCII.GetBytes("GET /dev HTTP/1.1\r\nX-Long: " + new string('a', HandshakeRequest.MaxHeadBytes));
        long scanned = 0;

        Assert.Equal(HandshakeRequest.ParseStatus.NotHandled, HandshakeRequest.TryParse(new ReadOnlySequence<byte>(bytes), ref scanned, out _, out _));
    }
}
