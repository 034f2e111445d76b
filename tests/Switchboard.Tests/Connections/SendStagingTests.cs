using Switchboard.Connections;

namespace Switchboard.Tests.Connections;

/// <summary>
/// The per-thread buffer queued frames are staged in for one send(): what it hands the socket must be exactly the
/// frames asked for, in order, whether their bytes were copied now or kept from the previous connection's send.
/// </summary>
public sealed class SendStagingTests
{
    private static ReadOnlyMemory<byte> Frame(byte fill, int length) => Enumerable.Repeat(fill, length).ToArray();

    private static byte[] Stage(params ReadOnlyMemory<byte>[] frames)
    {
        var staging = SendStaging.Begin();
        foreach (var frame in frames)
        {
            Assert.True(staging.TryAdd(frame));
        }

        return staging.Staged.ToArray();
    }

    private static byte[] Concat(params ReadOnlyMemory<byte>[] frames) => frames.SelectMany(f => f.ToArray()).ToArray();

    [Fact]
    public void StagedBytes_AreTheFramesInOrder()
    {
        var a = Frame(1, 10);
        var b = Frame(2, 20);
        Assert.Equal(Concat(a, b), Stage(a, b));
    }

    [Fact]
    public void TheSameFramesAgain_GiveTheSameBytes_AndADifferentFrameAtAPlace_IsCopied()
    {
        var a = Frame(1, 10);
        var b = Frame(2, 20);
        var c = Frame(3, 5);

        Assert.Equal(Concat(a, b), Stage(a, b));
        Assert.Equal(Concat(a, b), Stage(a, b));
        Assert.Equal(Concat(a, c), Stage(a, c));
        Assert.Equal(Concat(a, b), Stage(a, b));
        Assert.Equal(Concat(b), Stage(b));
        Assert.Equal(Concat(a, b, c), Stage(a, b, c));
    }

    [Fact]
    public void ASliceOfAStagedFrame_IsNotTakenForTheFrame()
    {
        // A frame cut by a full kernel buffer is queued again as the slice that is left: other bytes, same array.
        var whole = Frame(7, 30);
        var array = whole.ToArray();
        whole = array;
        array[29] = 9;

        Assert.Equal(Concat(whole), Stage(whole));
        Assert.Equal(Concat(whole[12..]), Stage(whole[12..]));
        Assert.Equal(Concat(whole), Stage(whole));
    }

    [Fact]
    public void AFrameThatDoesNotFit_IsRefused_AndWhatWasStagedStays()
    {
        var staging = SendStaging.Begin();
        var most = Frame(1, SendStaging.Capacity - 10);
        Assert.True(staging.TryAdd(most));
        Assert.False(staging.TryAdd(Frame(2, 11)));
        Assert.True(staging.TryAdd(Frame(3, 10)));
        Assert.Equal(SendStaging.Capacity, staging.Staged.Length);

        staging = SendStaging.Begin();
        Assert.False(staging.TryAdd(Frame(4, SendStaging.Capacity + 1)));
        Assert.Equal(0, staging.Staged.Length);
    }

    [Fact]
    public void StagingIsPerThread()
    {
        var a = Frame(1, 10);
        var b = Frame(2, 10);
        var staging = SendStaging.Begin();
        Assert.True(staging.TryAdd(a));

        // Another thread staging other frames meanwhile does not touch this thread's bytes.
        byte[]? other = null;
        var thread = new Thread(() => other = Stage(b, b, b));
        thread.Start();
        thread.Join();
        Assert.Equal(Concat(b, b, b), other);
        Assert.Equal(Concat(a), staging.Staged.ToArray());
    }
}
