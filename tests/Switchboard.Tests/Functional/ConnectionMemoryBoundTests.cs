using Microsoft.Extensions.DependencyInjection;
using Switchboard.Connections;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Processes;

namespace Switchboard.Tests.Functional;

/// <summary>
/// Measures what clients that send part of a large message make the server hold (docs/security.md, "Memory one
/// connection can make the server hold"): the assembly buffer (at most twice what each has sent, 4 KiB at least),
/// about one more copy of the bytes in flight, and the connection's own objects; never the size their frames
/// announce. Run alone (no other test allocates meanwhile), on the managed heap after a full collection; the clients
/// live in this process too, so their sockets are counted against the server: an upper bound.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ConnectionMemoryBoundTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Connections = 100;
    private const int AnnouncedBytes = 128 * 1024; // the default limits.maxMessageBytes

    // The connection's own objects (6-12 KiB measured in docs/performance.md), the test client's socket, and slack.
    private const long PerConnectionOverhead = 24 * 1024;

    // Measured beside the assembly buffer: about one more copy of the bytes sent, held by the transports of both ends
    // (the test's clients live in this process) while they are in flight. It grows with what was sent, never with
    // what a frame announces.
    private const int InFlightCopies = 1;

    [Theory]
    [InlineData(1)]
    [InlineData(16 * 1024)]
    [InlineData(60 * 1024)]
    public async Task PartlySentMessages_HoldAboutTwiceWhatWasSent_NotWhatTheFramesAnnounce(int sentBytes)
    {
        await using var server = await GatewayServer.StartAsync();
        var budget = server.Services.GetRequiredService<MessageAssemblyBudget>();
        await using (var warm = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/dev"))
        {
            await warm.AssertOpenAsync();
        }

        // Two equal batches, measured between them: what the first batch leaves in shared pools (ArrayPool keeps
        // returned arrays, Kestrel keeps its blocks) is not per connection, and is in the baseline of the second.
        var clients = new List<RawWebSocketClient>();
        try
        {
            // Every connection's part read: each holds at least a 4 KiB buffer, or one as large as what it sent.
            var leastPerConnection = Math.Max(4096L, sentBytes);
            await OpenAndSendPartAsync(server, clients, sentBytes);
            await Eventually.TrueAsync(
                () => Task.FromResult(budget.HeldBytes >= Connections * leastPerConnection), what: "the server reading the first batch");
            var before = SettledHeapBytes();
            var heldBefore = budget.HeldBytes;

            await OpenAndSendPartAsync(server, clients, sentBytes);
            await Eventually.TrueAsync(
                () => Task.FromResult(budget.HeldBytes >= 2 * Connections * leastPerConnection), what: "the server reading the second batch");
            var perConnection = (SettledHeapBytes() - before) / Connections;
            var assemblyPerConnection = (budget.HeldBytes - heldBefore) / Connections;
            output.WriteLine($"sent {sentBytes} of {AnnouncedBytes}: {perConnection} heap bytes and {assemblyPerConnection} assembly bytes per connection");

            // The buffer starts at 4 KiB and doubles with what arrives; the pool rounds up to a power of two.
            var assemblyBound = Math.Max(4096, 2L * sentBytes);
            Assert.True(assemblyPerConnection <= assemblyBound, $"each connection holds {assemblyPerConnection} assembly bytes for {sentBytes} sent; bound {assemblyBound}");
            var heapBound = assemblyBound + (InFlightCopies * (long)sentBytes) + PerConnectionOverhead;
            Assert.True(
                perConnection <= heapBound,
                $"each connection that sent {sentBytes} of an announced {AnnouncedBytes} bytes costs {perConnection} bytes of heap; bound {heapBound}");
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }

        // Every buffer goes back to the budget when its connection ends.
        await Eventually.TrueAsync(() => Task.FromResult(budget.HeldBytes == 0), what: "the assembly budget being given back");
    }

    private static async Task OpenAndSendPartAsync(GatewayServer server, List<RawWebSocketClient> clients, int sentBytes)
    {
        for (var i = 0; i < Connections; i++)
        {
            var client = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/dev");
            clients.Add(client);
            await client.SendFrameAsync(0x2, new byte[sentBytes], fin: true, claimedLength: AnnouncedBytes);
        }
    }

    private static long SettledHeapBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
