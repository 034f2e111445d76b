using System.Buffers;
using System.Buffers.Binary;
using Switchboard.Connections;

namespace Switchboard.Tests.Connections;

/// <summary>RFC 6455 framing: what the server writes, and how it reads client frame headers.</summary>
public sealed class WebSocketFramingTests
{
    [Theory]
    [InlineData(0, 2)]
    [InlineData(125, 2)]
    [InlineData(126, 4)]
    [InlineData(65535, 4)]
    [InlineData(65536, 10)]
    public void ServerFrames_UseTheShortestLengthEncoding(int payloadLength, int headerLength)
    {
        var frame = WebSocketFrames.Build(WebSocketOpcode.Text, new byte[payloadLength]);
        Assert.Equal(headerLength + payloadLength, frame.Length);
        Assert.Equal(0x81, frame[0]);
        Assert.Equal(0, frame[1] & 0x80);
    }

    [Fact]
    public void CloseFrame_CarriesCodeAndReason()
    {
        var frame = WebSocketFrames.Close(1008, "Slow consumer");
        Assert.Equal(0x88, frame[0]);
        Assert.Equal(1008, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(2)));
        Assert.Equal("Slow consumer", System.Text.Encoding.UTF8.GetString(frame.AsSpan(4)));
    }

    [Fact]
    public void CloseFrame_DropsAReasonTooLongForAControlFrame()
    {
        var frame = WebSocketFrames.Close(1001, new string('x', 200));
        Assert.Equal(4, frame.Length);
    }

    [Fact]
    public void ClientHeader_IsParsedAcrossSegments()
    {
        var bytes = new byte[] { 0x81, 0xFE, 0x01, 0x00, 1, 2, 3, 4 };
        var sequence = Split(bytes, 3);
        Assert.True(FrameHeader.TryRead(sequence, out var header));
        Assert.Null(header.Error);
        Assert.True(header.Fin);
        Assert.Equal(WebSocketOpcode.Text, header.Opcode);
        Assert.Equal(256, header.PayloadLength);
        Assert.Equal(8, header.HeaderLength);
    }

    [Fact]
    public void IncompleteHeader_AsksForMoreData() =>
        Assert.False(FrameHeader.TryRead(new ReadOnlySequence<byte>(new byte[] { 0x81, 0xFE, 0x01 }), out _));

    [Theory]
    [InlineData(new byte[] { 0x81, 0x05 }, "masked")]
    [InlineData(new byte[] { 0xC1, 0x80, 0, 0, 0, 0 }, "Reserved")]
    [InlineData(new byte[] { 0x83, 0x80, 0, 0, 0, 0 }, "opcode")]
    [InlineData(new byte[] { 0x09, 0x80, 0, 0, 0, 0 }, "fragmented")]
    [InlineData(new byte[] { 0x89, 0xFE, 0, 200, 0, 0, 0, 0 }, "125")]
    public void ProtocolViolations_AreReported(byte[] bytes, string reason)
    {
        Assert.True(FrameHeader.TryRead(new ReadOnlySequence<byte>(bytes), out var header));
        Assert.Contains(reason, header.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void HandshakeAccept_MatchesTheRfcExample() =>
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketHandshake.ComputeAccept("dGhlIHNhbXBsZSBub25jZQ=="));

    [Fact]
    public void ConnectionIds_Are16UrlSafeCharactersAndUnique()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => ConnectionIds.New()).ToList();
        Assert.All(ids, id => Assert.True(ConnectionIds.IsWellFormed(id), id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.False(ConnectionIds.IsWellFormed("..%2F.."));
        Assert.False(ConnectionIds.IsWellFormed("abcdefghijklmno="));
    }

    private static ReadOnlySequence<byte> Split(byte[] bytes, int at)
    {
        var first = new Segment(bytes.AsMemory(0, at));
        var last = first.Append(bytes.AsMemory(at));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
