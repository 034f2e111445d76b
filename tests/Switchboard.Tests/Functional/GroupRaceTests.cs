using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Auth;
using Switchboard.Groups;
using Switchboard.Hosting;
using Switchboard.Registry;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Processes;

namespace Switchboard.Tests.Functional;

/// <summary>
/// Joins that interleave with a close or a leave, made deterministic by holding the store's write of one join until
/// the other request has finished. The gateway, sockets and HTTP are real; only the store's timing is steered.
/// </summary>
public sealed class GroupRaceTests
{
    [Fact]
    public async Task JoinWhoseStoreWriteLandsAfterTheConnectionClosed_LeavesNoClosedMemberListed()
    {
        var store = new GatedGroupStore();
        await using var server = await RaceServer.StartAsync(store);
        var group = GroupHttp.UniqueGroup();
        var client = await server.ConnectAsync();
        var id = await ProcessTestKit.ConnectionIdAsync(client);

        store.HoldNextAdd();
        var put = server.Http.PutAsync($"/dev/@groups/{group}/{id}", null);
        await store.AddEntered.WaitAsync(TestWebSocket.DefaultTimeout);
        await client.DisposeAsync();

        // Closed on this node; its clean-up waits for the join still writing its row.
        var table = server.Services.GetRequiredService<Switchboard.Connections.ConnectionTable>();
        await Eventually.TrueAsync(() => table.Find(id) is null, what: "the connection gone from the node's table");
        store.ReleaseAdd();
        using (var response = await put.WaitAsync(TestWebSocket.DefaultTimeout))
        {
            Assert.True(response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.Gone, $"PUT: {(int)response.StatusCode}");
        }

        await Eventually.TrueAsync(
            async () => (await server.ListAsync(group)).Length == 0,
            TimeSpan.FromSeconds(5),
            "the closed connection gone from the listing");
    }

    [Fact]
    public async Task LeaveBetweenAJoinsTwoSteps_LeavesListingAndDeliveryAgreeing()
    {
        var store = new GatedGroupStore();
        await using var server = await RaceServer.StartAsync(store);
        var group = GroupHttp.UniqueGroup();
        await using var client = await server.ConnectAsync();
        var id = await ProcessTestKit.ConnectionIdAsync(client);

        store.HoldNextAdd();
        var put = server.Http.PutAsync($"/dev/@groups/{group}/{id}", null);
        await store.AddEntered.WaitAsync(TestWebSocket.DefaultTimeout);
        // The leave must not land between the join's two steps: it runs before or after the whole join.
        var delete = server.Http.DeleteAsync($"/dev/@groups/{group}/{id}");
        store.ReleaseAdd();
        using (var response = await put.WaitAsync(TestWebSocket.DefaultTimeout))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        using (var deleted = await delete.WaitAsync(TestWebSocket.DefaultTimeout))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var listed = (await server.ListAsync(group)).Contains(id);
        using var send = await server.Http.PostAsync($"/dev/@groups/{group}", new StringContent("x")).WaitAsync(TestWebSocket.DefaultTimeout);
        var sent = await send.Content.ReadAsStringAsync();
        Assert.True(listed == (sent == "{\"sent\":1}"), $"GET lists the connection: {listed}; but POST answered {sent}");
    }

    /// <summary>An in-memory store whose next <see cref="AddAsync"/> waits until released.</summary>
    private sealed class GatedGroupStore : IGroupStore
    {
        private readonly InMemoryGroupStore _inner = new();
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _hold;

        public Task AddEntered => _entered.Task;

        public void HoldNextAdd() => Volatile.Write(ref _hold, 1);

        public void ReleaseAdd() => _release.TrySetResult();

        public async ValueTask AddAsync(GroupMember member, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _hold, 0) == 1)
            {
                _entered.TrySetResult();
                await _release.Task.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
            }

            await _inner.AddAsync(member, cancellationToken);
        }

        public ValueTask RemoveAsync(string api, string stage, string group, string connectionId, CancellationToken cancellationToken = default) =>
            _inner.RemoveAsync(api, stage, group, connectionId, cancellationToken);

        public ValueTask RemoveConnectionAsync(string connectionId, CancellationToken cancellationToken = default) =>
            _inner.RemoveConnectionAsync(connectionId, cancellationToken);

        public ValueTask<IReadOnlyList<string>> ListAsync(string api, string stage, string group, CancellationToken cancellationToken = default) =>
            _inner.ListAsync(api, stage, group, cancellationToken);

        public ValueTask<IReadOnlyList<string>> ListRunsAsync(CancellationToken cancellationToken = default) =>
            _inner.ListRunsAsync(cancellationToken);

        public ValueTask<int> RemoveRunAsync(string runId, CancellationToken cancellationToken = default) =>
            _inner.RemoveRunAsync(runId, cancellationToken);
    }

    /// <summary>A real gateway on a free port with the given group store (the rest in memory).</summary>
    private sealed class RaceServer : IAsyncDisposable
    {
        private readonly GatewayHost _host;

        private RaceServer(GatewayHost host)
        {
            _host = host;
            var address = new Uri(host.Addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal)));
            Http = new HttpClient(new ManagementSigning.Handler(ManagementSigning.Credentials())) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        }

        public HttpClient Http { get; }

        public IConnectionRegistry Registry => _host.Services.GetRequiredService<IConnectionRegistry>();

        public IServiceProvider Services => _host.Services;

        public static async Task<RaceServer> StartAsync(IGroupStore store)
        {
            var host = GatewayHost.Create(
                new GatewayServerOptions
                {
                    Urls = "http://127.0.0.1:0",
                    MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
                    Environment = name => name switch
                    {
                        Access.CredentialLookup.AccessKeyVariable => ManagementSigning.AccessKeyId,
                        Access.CredentialLookup.SecretVariable => ManagementSigning.SecretAccessKey,
                        _ => null,
                    },
                },
                services =>
                {
                    services.AddSingleton<IConnectionRegistry, InMemoryConnectionRegistry>();
                    services.AddSingleton<IApiKeyStore, InMemoryApiKeyStore>();
                    services.AddSingleton(store);
                });
            await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
            return new RaceServer(host);
        }

        public async Task<TestWebSocket> ConnectAsync()
        {
            var socket = new System.Net.WebSockets.ClientWebSocket();
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
            await socket.ConnectAsync(new Uri($"ws://{Http.BaseAddress!.Authority}/dev"), CancellationToken.None).WaitAsync(TestWebSocket.DefaultTimeout);
            return new TestWebSocket(socket);
        }

        public async Task<string[]> ListAsync(string group)
        {
            var text = await Http.GetStringAsync($"/dev/@groups/{group}").WaitAsync(TestWebSocket.DefaultTimeout);
            using var json = System.Text.Json.JsonDocument.Parse(text);
            return [.. json.RootElement.GetProperty("connections").EnumerateArray().Select(e => e.GetString()!)];
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            try
            {
                await _host.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            finally
            {
                await _host.DisposeAsync();
            }
        }
    }
}
