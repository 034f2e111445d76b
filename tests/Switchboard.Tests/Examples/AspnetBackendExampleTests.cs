using System.Net;
using AspnetBackend;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Definition;
using Switchboard.Integrations.Backend;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Examples;

/// <summary>
/// examples/aspnet-backend: the seed's chat with its Lambda functions as an ASP.NET Core minimal API behind <c>http</c>
/// integrations, driven through a real gateway with real WebSocket clients. The backend posts back through the
/// management API with SigV4-signed calls, as the seed's functions do with the AWS SDK.
/// </summary>
public sealed class AspnetBackendExampleTests
{
    private const string Hello = "{\"action\":\"onMessage\",\"message\":\"hello\",\"key\":\"1234\"}";

    [Fact]
    public async Task OnMessageWithKey_ReachesEveryOtherClient_NotTheSender()
    {
        await using var stack = await ExampleStack.StartAsync();
        await using var a = await stack.ConnectAsync();
        await using var b = await stack.ConnectAsync();

        await a.SendTextAsync(Hello);
        Assert.Equal("hello", await b.ReceiveTextAsync());

        // A's messages reach the backend one at a time, so the echo is answered only after the broadcast's posts
        // finished: had one gone to A, it would arrive before the echo.
        await a.SendTextAsync("{\"action\":\"echo\",\"text\":\"after\"}");
        Assert.Equal("echo: after", await a.ReceiveTextAsync());
    }

    [Theory]
    [InlineData("\"12345\"")]
    [InlineData("null")]
    [InlineData("1235")]
    public async Task OnMessageWithWrongKey_DeliversNothing(string key)
    {
        await using var stack = await ExampleStack.StartAsync();
        await using var a = await stack.ConnectAsync();
        await using var b = await stack.ConnectAsync();

        await a.SendTextAsync($"{{\"action\":\"onMessage\",\"message\":\"nope\",\"key\":{key}}}");
        await a.SendTextAsync("{\"action\":\"onMessage\",\"message\":\"second\",\"key\":1234}");

        // The 403 goes to no one (one-way route); B's first frame is the second message, the number key passing as
        // the seed's loose == lets it.
        Assert.Equal("second", await b.ReceiveTextAsync());
        await a.SendTextAsync("{\"action\":\"echo\",\"text\":\"x\"}");
        Assert.Equal("echo: x", await a.ReceiveTextAsync());
    }

    [Fact]
    public async Task Echo_AnswersTheSenderOnly()
    {
        await using var stack = await ExampleStack.StartAsync();
        await using var a = await stack.ConnectAsync();
        await using var b = await stack.ConnectAsync();

        await a.SendTextAsync("{\"action\":\"echo\",\"text\":\"hi there\"}");
        Assert.Equal("echo: hi there", await a.ReceiveTextAsync());

        await b.SendTextAsync("{\"action\":\"echo\"}");
        Assert.Equal("echo needs a \"text\" field", await b.ReceiveTextAsync());
    }

    [Fact]
    public async Task JoinAndSay_ReachOnlyTheRoomsMembers_InOneCall()
    {
        await using var stack = await ExampleStack.StartAsync();
        await using var a = await stack.ConnectAsync();
        await using var b = await stack.ConnectAsync();
        await using var c = await stack.ConnectAsync();

        await a.SendTextAsync("{\"action\":\"join\",\"room\":\"lobby\"}");
        Assert.Equal("joined lobby", await a.ReceiveTextAsync());
        await b.SendTextAsync("{\"action\":\"join\",\"room\":\"lobby\"}");
        Assert.Equal("joined lobby", await b.ReceiveTextAsync());
        var members = await stack.Gateway.Http.GetStringAsync("/dev/@groups/lobby");
        Assert.Contains(stack.IdOf(a), members, StringComparison.Ordinal);
        Assert.Contains(stack.IdOf(b), members, StringComparison.Ordinal);

        await a.SendTextAsync("{\"action\":\"say\",\"room\":\"lobby\",\"message\":\"hi lobby\"}");
        Assert.Equal("hi lobby", await a.ReceiveTextAsync());
        Assert.Equal("hi lobby", await b.ReceiveTextAsync());

        // Once A's echo comes back, A's say has finished its group send; C's own echo then being C's first frame shows
        // the room's message never went to C.
        await a.SendTextAsync("{\"action\":\"echo\",\"text\":\"done\"}");
        Assert.Equal("echo: done", await a.ReceiveTextAsync());
        await c.SendTextAsync("{\"action\":\"echo\",\"text\":\"c\"}");
        Assert.Equal("echo: c", await c.ReceiveTextAsync());

        await a.SendTextAsync("{\"action\":\"join\",\"room\":\"no spaces\"}");
        Assert.Contains("invalid group name", await a.ReceiveTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disconnect_RemovesTheConnectionFromTheBackendsTable()
    {
        await using var stack = await ExampleStack.StartAsync();
        await using var a = await stack.ConnectAsync();
        await using var b = await stack.ConnectAsync();
        var bId = stack.IdOf(b);
        Assert.True(stack.Table.Contains(bId));

        await b.DisposeAsync();
        await Eventually.TrueAsync(() => !stack.Table.Contains(bId), what: "B's row removed by $disconnect");
        Assert.True(stack.Table.Contains(stack.IdOf(a)));

        // A broadcast now finds nobody else, and the backend's posts to a gone id would have answered 410.
        await a.SendTextAsync(Hello);
        await a.SendTextAsync("{\"action\":\"echo\",\"text\":\"alone\"}");
        Assert.Equal("echo: alone", await a.ReceiveTextAsync());
    }

    [Fact]
    public async Task PostToStage_ReachesEveryConnectionOfTheStage()
    {
        await using var stack = await ExampleStack.StartAsync();
        await using var a = await stack.ConnectAsync();
        await using var b = await stack.ConnectAsync();

        using var http = new HttpClient();
        var client = new ManagementApiClient(http, new Uri(stack.Gateway.BaseAddress, "/dev"), LocalCredentials, TimeProvider.System);
        Assert.Equal(2, await client.PostToStageAsync("to all"));
        Assert.Equal("to all", await a.ReceiveTextAsync());
        Assert.Equal("to all", await b.ReceiveTextAsync());

        // A closed connection answers 410 GoneException, as on AWS; the close is asynchronous, so poll for it.
        var bId = stack.IdOf(b);
        await b.DisposeAsync();
        ManagementApiException? gone = null;
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await client.PostToConnectionAsync(bId, "x");
                return false;
            }
            catch (ManagementApiException e)
            {
                gone = e;
                return true;
            }
        }, what: "410 for B's id");
        Assert.NotNull(gone);
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        Assert.Equal("GoneException", gone.ErrorType);
        await client.PostToConnectionAsync(stack.IdOf(a), "still here");
        Assert.Equal("still here", await a.ReceiveTextAsync());
    }

    /// <summary>
    /// AWSSDK.Core's signer and the gateway's own (used for <c>lambda</c> integrations with <c>sign</c>) are separate
    /// SigV4 implementations; the same request must get the same signature from both.
    /// </summary>
    [Fact]
    public async Task ManagementCalls_CarryTheSignatureAnIndependentSigV4SignerComputes()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero));
        var credentials = new ManagementCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null, "eu-west-1");
        var capture = new CapturingHandler();
        using var http = new HttpClient(capture);
        var client = new ManagementApiClient(http, new Uri("http://127.0.0.1:8080/dev"), credentials, time);

        await client.PostToConnectionAsync("Ab_c-123", "hello");

        var sent = Assert.Single(capture.Requests);
        Assert.Equal("http://127.0.0.1:8080/dev/%40connections/Ab_c-123", sent.Uri.AbsoluteUri);
        using var reference = new HttpRequestMessage(HttpMethod.Post, sent.Uri);
        new SigV4Signer(credentials.AccessKeyId, credentials.SecretAccessKey, null, credentials.Region, "execute-api", time)
            .Sign(reference, "hello"u8.ToArray());
        Assert.Equal(reference.Headers.GetValues("Authorization").Single(), sent.Authorization);
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261202/eu-west-1/execute-api/aws4_request, ", sent.Authorization, StringComparison.Ordinal);
    }

    private static readonly ManagementCredentials LocalCredentials = new("local", "local", null, "us-east-1");

    private sealed record CapturedRequest(Uri Uri, string Authorization);

    private sealed class CapturingHandler : HttpMessageHandler
    {
        public List<CapturedRequest> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(new CapturedRequest(request.RequestUri!, request.Headers.GetValues("Authorization").Single()));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }

    /// <summary>The example's backend on a free port and a gateway serving the example's switchboard.json, pointed at it.</summary>
    private sealed class ExampleStack : IAsyncDisposable
    {
        private readonly WebApplication _backend;
        private readonly Dictionary<TestWebSocket, string> _ids = [];

        private ExampleStack(WebApplication backend, GatewayServer gateway)
        {
            _backend = backend;
            Gateway = gateway;
            Table = backend.Services.GetRequiredService<ConnectionTable>();
        }

        public GatewayServer Gateway { get; }

        public ConnectionTable Table { get; }

        public static async Task<ExampleStack> StartAsync()
        {
            var backend = BackendApp.Create(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
            await backend.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
            try
            {
                var backendUrl = backend.Urls.Single().TrimEnd('/');
                var path = RepositoryPaths.Of("examples", "aspnet-backend", "switchboard.json");
                var json = (await File.ReadAllTextAsync(path)).Replace(BackendApp.DefaultUrls, backendUrl, StringComparison.Ordinal);
                var loaded = DefinitionLoader.LoadFromJson(json, path);
                Assert.True(loaded.Succeeded, string.Join('\n', loaded.Errors));
                // The backend signs with the AWS_* variables, or the example's local/local pair (its README).
                var credentials = AspnetBackend.ManagementCredentials.FromEnvironment(Environment.GetEnvironmentVariable);
                return new ExampleStack(backend, await GatewayServer.StartAsync(loaded.Definition, environment: new Dictionary<string, string>
                {
                    ["SWITCHBOARD_ACCESS_KEY_ID"] = credentials.AccessKeyId,
                    ["SWITCHBOARD_SECRET_ACCESS_KEY"] = credentials.SecretAccessKey,
                }));
            }
            catch
            {
                await backend.DisposeAsync();
                throw;
            }
        }

        /// <summary>Connects to <c>dev</c>; the client's id is read from the row $connect wrote before the 101.</summary>
        public async Task<TestWebSocket> ConnectAsync()
        {
            var before = Table.InStage("dev").ToHashSet();
            var socket = await Gateway.ConnectAsync("dev");
            _ids[socket] = Assert.Single(Table.InStage("dev"), id => !before.Contains(id));
            return socket;
        }

        public string IdOf(TestWebSocket socket) => _ids[socket];

        public async ValueTask DisposeAsync()
        {
            try
            {
                await Gateway.DisposeAsync();
            }
            finally
            {
                await _backend.DisposeAsync();
            }
        }
    }
}
