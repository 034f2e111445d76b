using Switchboard.Connections;

namespace Switchboard.Tests.Connections;

/// <summary>The connection caps' counting, alone.</summary>
public sealed class ConnectionAdmissionTests
{
    [Fact]
    public void TotalCap_RefusesTheOneOverIt_AndAReleaseMakesRoom()
    {
        var admission = new ConnectionAdmission();

        Assert.Null(admission.TryAdmit("a", maxConnections: 2, maxPerAddress: 10));
        Assert.Null(admission.TryAdmit("b", maxConnections: 2, maxPerAddress: 10));
        Assert.Contains("limits.maxConnections", admission.TryAdmit("c", maxConnections: 2, maxPerAddress: 10));
        Assert.Equal(2, admission.Count);

        admission.Release("a");
        Assert.Null(admission.TryAdmit("c", maxConnections: 2, maxPerAddress: 10));
    }

    [Fact]
    public void PerAddressCap_RefusesOnlyThatAddress()
    {
        var admission = new ConnectionAdmission();

        Assert.Null(admission.TryAdmit("a", maxConnections: 10, maxPerAddress: 1));
        Assert.Contains("limits.maxConnectionsPerIp", admission.TryAdmit("a", maxConnections: 10, maxPerAddress: 1));
        Assert.Null(admission.TryAdmit("b", maxConnections: 10, maxPerAddress: 1));
        Assert.Equal(2, admission.Count);
    }

    [Fact]
    public async Task ParallelAdmitsAndReleases_NeverPassTheCaps_AndEndAtZero()
    {
        var admission = new ConnectionAdmission();
        var admitted = 0;
        var peak = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 5000; i++)
            {
                var address = "addr" + (i % 3);
                if (admission.TryAdmit(address, maxConnections: 5, maxPerAddress: 2) is null)
                {
                    var now = Interlocked.Increment(ref admitted);
                    InterlockedMax(ref peak, now);
                    Interlocked.Decrement(ref admitted);
                    admission.Release(address);
                }
            }
        })));

        Assert.InRange(peak, 1, 5);
        Assert.Equal(0, admission.Count);
        Assert.Null(admission.TryAdmit("addr0", maxConnections: 1, maxPerAddress: 1));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
