using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Processes;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// A real cluster on loopback: one <c>redis-server</c> on a free port and three <c>switchboard serve --store redis</c>
/// processes (nodes a, b and c) sharing it, each on its own port, with the seed's definition. Every test makes its own,
/// so a test that kills a node or stops Redis cannot disturb another.
/// </summary>
public sealed class ThreeNodeCluster : IAsyncDisposable
{
    private readonly List<GatewayProcess?> _nodes = [];

    private readonly string[] _serveArgs;
    private readonly RedisServer? _server;
    private readonly Func<Task> _disposeRedis;

    private ThreeNodeCluster(RedisServer? server, Func<Task> disposeRedis, string redisConfiguration, TempDirectory directory, IReadOnlyDictionary<string, string?> environment, string[] serveArgs)
    {
        _server = server;
        _disposeRedis = disposeRedis;
        RedisConfiguration = redisConfiguration;
        Directory = directory;
        Environment = environment;
        _serveArgs = serveArgs;
    }

    /// <summary>The one Redis server (to stop and restart it), unless the nodes share a Redis Cluster.</summary>
    public RedisServer Redis => _server ?? throw new InvalidOperationException("this cluster runs on a Redis Cluster");

    /// <summary>What the nodes' <c>--redis</c> says.</summary>
    public string RedisConfiguration { get; }

    public TempDirectory Directory { get; }

    /// <summary>What every node and CLI call of this cluster gets: the shared credentials key (all nodes must share it).</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; }

    public GatewayProcess A => Node(0);

    public GatewayProcess B => Node(1);

    public GatewayProcess C => Node(2);

    public IEnumerable<GatewayProcess> Nodes => _nodes.OfType<GatewayProcess>();

    /// <summary>Starts Redis and <paramref name="nodes"/> nodes, each with <paramref name="serveArgs"/> (e.g. <c>--config FILE</c>).</summary>
    public static async Task<ThreeNodeCluster> StartAsync(int nodes = 3, params string[] serveArgs)
    {
        var redis = new RedisServer();
        await redis.InitializeAsync();
        return await StartNodesAsync(redis, redis.DisposeAsync, redis.Configuration, nodes, serveArgs);
    }

    /// <summary>As <see cref="StartAsync"/>, on a Redis Cluster of three primaries (sharded pub/sub).</summary>
    public static async Task<ThreeNodeCluster> StartOnRedisClusterAsync(int nodes = 3)
    {
        var redis = await RedisClusterServers.StartAsync();
        return await StartNodesAsync(null, async () => await redis.DisposeAsync(), redis.Configuration, nodes, []);
    }

    private static async Task<ThreeNodeCluster> StartNodesAsync(RedisServer? server, Func<Task> disposeRedis, string configuration, int nodes, string[] serveArgs)
    {
        var environment = new Dictionary<string, string?>
        {
            ["SWITCHBOARD_CREDENTIALS_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
        var cluster = new ThreeNodeCluster(server, disposeRedis, configuration, new TempDirectory(), environment, serveArgs);
        try
        {
            for (var i = 0; i < nodes; i++)
            {
                cluster._nodes.Add(await cluster.StartNodeAsync(NodeId(i)));
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public static string NodeId(int index) => $"node-{(char)('a' + index)}";

    /// <summary><c>--store redis --redis ADDR</c> and the data directory every process of this cluster uses.</summary>
    public string[] StoreArgs => StoreArgsWith(RedisConfiguration);

    private string[] StoreArgsWith(string redis) => ["--store", "redis", "--redis", redis, "--data-dir", Path.Combine(Directory.Path, "data")];

    /// <summary>Starts one more node; <paramref name="redis"/> overrides its <c>--redis</c> (a proxy in front of the same Redis).</summary>
    public Task<GatewayProcess> StartNodeAsync(string nodeId, string? redis = null) =>
        GatewayProcess.StartAsync(
            ["--urls", "http://127.0.0.1:0", "--node-id", nodeId, .. StoreArgsWith(redis ?? RedisConfiguration), .. _serveArgs],
            Environment);

    /// <summary>kill -9 of one node: its process ends at once and cleans nothing up.</summary>
    public async Task KillAsync(int index)
    {
        var node = Node(index);
        await node.KillAsync();
        await node.DisposeAsync();
        _nodes[index] = null;
    }

    /// <summary>Runs <c>switchboard ARGS</c> against this cluster's store.</summary>
    public Task<CliResult> CliAsync(params string[] args) => Processes.Cli.RunAsync([.. args, .. StoreArgs], Environment);

    /// <summary>An API key on the seed's plan, for the REST broadcast.</summary>
    public async Task<string> CreateKeyAsync(string name)
    {
        var result = await CliAsync("keys", "create", "--name", name);
        Assert.True(result.ExitCode == 0, result.ToString());
        return Assert.Single(result.StdoutLines);
    }

    /// <summary>A client on <paramref name="node"/>'s <c>/dev</c> stage, with its connection id.</summary>
    public static async Task<(TestWebSocket Client, string Id)> ConnectAsync(GatewayProcess node)
    {
        var client = await node.ConnectAsync();
        return (client, await ProcessTestKit.ConnectionIdAsync(client));
    }

    /// <summary>The seed's REST broadcast (<c>GET /dev/receiver?progId=N</c>) through <paramref name="node"/>.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> RestBroadcastAsync(GatewayProcess node, string key, int progId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/dev/receiver?progId={progId}");
        request.Headers.Add("x-api-key", key);
        using var response = await node.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The <c>sent</c> count of a 200 answer to a send to many.</summary>
    public static int Sent(string body)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("sent").GetInt32();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.OfType<GatewayProcess>())
        {
            await node.DisposeAsync();
        }

        await _disposeRedis();
        Directory.Dispose();
    }

    private GatewayProcess Node(int index) => _nodes[index] ?? throw new InvalidOperationException($"node {NodeId(index)} was killed");
}
