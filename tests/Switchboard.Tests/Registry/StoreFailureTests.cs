using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Connections;
using Switchboard.Registry;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Registry;

/// <summary>
/// A store that refuses writes (here: another process holding the SQLite write lock) is told, not hidden: <c>/readyz</c>
/// and handshakes on both handshake paths answer 503 at once, the failure is logged once, and when the lock goes the
/// gateway takes handshakes again and removes the rows it could not remove, without a restart.
/// </summary>
public sealed class StoreFailureTests
{
    private const string Host = "Host: 127.0.0.1\r\n";

    [Fact]
    public async Task LockedStore_Readyz503_HandshakesOnBothPaths503AtOnce_LoggedOnce_ThenEverythingRecoversByItself()
    {
        using var dataDir = new TempDataDirectory();
        var logs = new CapturedLogs();
        await using var server = await GatewayServer.StartAsync(dataDir: dataDir.Path, logs: logs);
        var (leaving, leavingId) = await server.ConnectWithIdAsync();

        await using (await StoreWriteLock.TakeAsync(dataDir.Path))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await ReadyStatusAsync(server));

            // The raw-socket path leaves the handshake to Kestrel's; an escaped path goes to Kestrel's directly. Each is
            // refused before $connect: its registry write would wait for its deadline.
            for (var i = 0; i < 10; i++)
            {
                Assert.Equal((503, ConnectAnswers.StoreRefusing), await HandshakeAsync(server, "/dev"));
            }

            Assert.Equal((503, ConnectAnswers.StoreRefusing), await HandshakeAsync(server, "/%64ev"));

            // A close while the store refuses: $disconnect's registry.delete cannot remove the row now.
            leaving.Socket.Abort();
            await leaving.DisposeAsync();
            var pending = server.Services.GetRequiredService<PendingRemovals>();
            await Eventually.TrueAsync(() => pending.Count == 1, what: "the closed connection's removal waiting for the store");
            Assert.True(await server.IsRegisteredAsync(leavingId));
        }

        await Eventually.TrueAsync(async () => await ReadyStatusAsync(server) == HttpStatusCode.OK, what: "/readyz 200 once the lock is gone");
        var (status, _) = await HandshakeAsync(server, "/dev");
        Assert.Equal(101, status);
        Assert.Equal(101, (await HandshakeAsync(server, "/%64ev")).Status);
        Assert.False(await server.IsRegisteredAsync(leavingId));

        Assert.Equal(1, logs.Count(".StoreHealth", 700));
        Assert.Equal(1, logs.Count(".StoreHealth", 701));
        Assert.Equal(1, logs.Count(".StoreRecovery", 702));
        Assert.DoesNotContain(logs.Records, r => r.Category.EndsWith(".WebSocketSessions", StringComparison.Ordinal) && r.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task LockedStore_AHandshakeWhoseRowCannotBeWritten_Is503NotAHang_AndLeavesNoRow()
    {
        using var dataDir = new TempDataDirectory();
        await using var server = await GatewayServer.StartAsync(dataDir: dataDir.Path);

        await using (await StoreWriteLock.TakeAsync(dataDir.Path))
        {
            // Nothing has noticed the lock yet (no /readyz call): this handshake's registry.save meets it and gives up
            // within its deadline. A heartbeat failing first would refuse it before $connect instead; both are 503.
            var (status, message) = await HandshakeAsync(server, "/dev");
            Assert.Equal(503, status);
            Assert.Contains(message, new[] { ConnectAnswers.RegistryWriteFailed, ConnectAnswers.StoreRefusing });

            // From now on the store is known to refuse: the next handshake does not try.
            Assert.Equal((503, ConnectAnswers.StoreRefusing), await HandshakeAsync(server, "/dev"));
        }

        await Eventually.TrueAsync(async () => (await HandshakeAsync(server, "/dev")).Status == 101, what: "a handshake taken again once the lock is gone");
        var (client, id) = await server.ConnectWithIdAsync();
        await using var _ = client;

        // Only the open connection's row: the refused one's write, had it landed late, was removed on recovery.
        await Eventually.TrueAsync(
            async () => (await server.Registry.ListAsync(new ConnectionQuery())).Select(r => r.ConnectionId).SequenceEqual([id]),
            what: "only the open connection's row");
    }

    private static async Task<HttpStatusCode> ReadyStatusAsync(GatewayServer server)
    {
        using var ready = await server.Http.GetAsync("/readyz");
        return ready.StatusCode;
    }

    /// <summary>A handshake on its own TCP connection; the status and, for a refusal, the JSON message.</summary>
    private static async Task<(int Status, string? Message)> HandshakeAsync(GatewayServer server, string path)
    {
        var (status, body, tcp) = await RawHandshake.SendAsync(server.BaseAddress, path, Host);
        using (tcp)
        {
            if (status == 101)
            {
                return (status, null);
            }

            // Kestrel's answers come chunked: the JSON sits between the chunk sizes.
            var json = body[body.IndexOf('{', StringComparison.Ordinal)..(body.LastIndexOf('}') + 1)];
            return (status, JsonDocument.Parse(json).RootElement.GetProperty("message").GetString());
        }
    }
}
