using System.Text;
using Switchboard.Authorizers;
using Switchboard.Delivery;
using Switchboard.Redis.Backplane;

namespace Switchboard.Tests.Cluster;

/// <summary>The backplane's wire format and its answer bookkeeping, without Redis.</summary>
public sealed class BackplaneMessageTests
{
    [Fact]
    public void Message_RoundTrips_EveryField_AndTheFrameIsASliceOfTheReceivedBytes()
    {
        var frame = new byte[] { 0x81, 3, (byte)'a', (byte)'b', (byte)'c' };
        var sent = new BackplaneMessage
        {
            Kind = BackplaneKind.SendToGroup,
            RequestId = 42,
            OriginRunId = "run-é",
            Api = "chat",
            Stage = "prod",
            Target = "room",
            Extra = "AAAAAAAAAAAAAAAA",
            Number = 1008,
            Body = frame,
        };

        var bytes = sent.ToBytes();
        Assert.True(BackplaneMessage.TryRead(bytes, out var read));

        Assert.Equal(sent.Kind, read.Kind);
        Assert.Equal(42, read.RequestId);
        Assert.Equal("run-é", read.OriginRunId);
        Assert.Equal(("chat", "prod", "room", "AAAAAAAAAAAAAAAA", 1008), (read.Api, read.Stage, read.Target, read.Extra, read.Number));
        Assert.Equal(frame, read.Body.ToArray());
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(read.Body, out var segment) && segment.Array == bytes);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0 })]
    [InlineData(new byte[] { 99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 200, 0 })]
    public void Bytes_ThatAreNotAMessage_AreRefused_NeverThrown(byte[] bytes) =>
        Assert.False(BackplaneMessage.TryRead(bytes, out _));

    [Fact]
    public void EveryTruncation_OfAValidMessage_IsRefusedOrReadsWithoutThrowing()
    {
        var bytes = new BackplaneMessage { Kind = BackplaneKind.Describe, RequestId = 1, OriginRunId = "r", Api = "a", Stage = "s", Target = "t" }.ToBytes();
        for (var length = 0; length < bytes.Length; length++)
        {
            _ = BackplaneMessage.TryRead(bytes.AsMemory(0, length), out _);
        }
    }

    [Fact]
    public void Snapshot_RoundTrips_WithAndWithoutIdentityAndUserAgent()
    {
        var connectedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_123);
        var full = new ConnectionSnapshot("AAAAAAAAAAAAAAAA", "chat", "prod", connectedAt, connectedAt.AddSeconds(5), "192.0.2.1", "agent/1",
            "example.com", new ConnectionIdentity("user-1", [new("tier", "gold"), new("org", "acme")]));
        var bare = full with { UserAgent = null, Identity = null };

        var decodedFull = ConnectionSnapshotCodec.Decode(ConnectionSnapshotCodec.Encode(full));
        Assert.NotNull(decodedFull);
        Assert.Equal(full with { Identity = null }, decodedFull with { Identity = null });
        Assert.Equal("user-1", decodedFull.Identity!.PrincipalId);
        Assert.Equal(full.Identity!.Context, decodedFull.Identity.Context);
        Assert.Equal(bare, ConnectionSnapshotCodec.Decode(ConnectionSnapshotCodec.Encode(bare)));
        Assert.Null(ConnectionSnapshotCodec.Decode(Encoding.UTF8.GetBytes("not a snapshot")));
    }

    [Fact]
    public async Task Call_CompletesWhenEveryExpectedAnswerArrived_EvenWhenAnswersCameBeforeTheCount()
    {
        var calls = new PendingCalls();
        var call = calls.Begin()!;
        calls.Answer(Reply(call.Id, 2, "run-b"));
        Assert.False(call.Done.IsCompleted);
        call.ExpectFrom(new HashSet<string> { "run-b", "run-c" });
        Assert.False(call.Done.IsCompleted);
        Assert.Equal(["run-c"], call.Missing);

        // A second answer from one run (a duplicate delivery) counts once.
        calls.Answer(Reply(call.Id, 2, "run-b"));
        Assert.False(call.Done.IsCompleted);
        calls.Answer(Reply(call.Id, 3, "run-c"));
        await call.Done.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(5, call.Sum);

        calls.End(call);
        calls.Answer(Reply(call.Id, 100, "run-d"));
        Assert.Equal(5, call.Sum);
        Assert.Equal(0, calls.Count);
    }

    [Fact]
    public void Calls_AreBounded_TheNextIsRefusedNotQueued()
    {
        var calls = new PendingCalls();
        for (var i = 0; i < PendingCalls.MaxInFlight; i++)
        {
            Assert.NotNull(calls.Begin());
        }

        Assert.Null(calls.Begin());
    }

    [Fact]
    public void Call_ExpectingNoAnswer_IsDoneAtOnce()
    {
        var call = new PendingCalls().Begin()!;
        call.Expect(0);
        Assert.True(call.Done.IsCompletedSuccessfully);
    }

    private static BackplaneMessage Reply(long id, int number, string run = "other") =>
        new() { Kind = BackplaneKind.Reply, RequestId = id, OriginRunId = run, Number = number };
}
