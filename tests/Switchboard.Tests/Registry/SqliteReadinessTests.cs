using System.Net;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Registry;

/// <summary>
/// <c>/readyz</c> says whether the store accepts writes, not only reads: a SQLite file another process keeps locked
/// for writing makes it 503 within about a second, and it is 200 again by itself soon after the lock goes.
/// </summary>
public sealed class SqliteReadinessTests
{
    [Fact]
    public async Task WriteLockedDatabase_MakesReadyz503_UntilTheLockGoes()
    {
        using var dataDir = new TempDataDirectory();
        await using var server = await GatewayServer.StartAsync(dataDir: dataDir.Path);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/readyz")).StatusCode);

        await using (await StoreWriteLock.TakeAsync(dataDir.Path))
        {
            using var locked = await server.Http.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, locked.StatusCode);
            Assert.Contains("\"status\":\"unavailable\"", await locked.Content.ReadAsStringAsync());
        }

        await Eventually.TrueAsync(
            async () =>
            {
                using var ready = await server.Http.GetAsync("/readyz");
                return ready.StatusCode == HttpStatusCode.OK;
            },
            what: "/readyz answering 200 again once the lock is gone");
    }
}
