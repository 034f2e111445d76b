using System.Diagnostics;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// A real Redis Cluster on loopback: three <c>redis-server</c> primaries in cluster mode, no replicas, joined with
/// <c>redis-cli --cluster create</c> (Debian's <c>redis-tools</c>, which <c>redis-server</c> depends on) and waited on
/// until every node says <c>cluster_state:ok</c>.
/// </summary>
public sealed class RedisClusterServers : IAsyncDisposable
{
    private readonly List<RedisServer> _servers = [];

    /// <summary>The StackExchange.Redis configuration string naming every primary.</summary>
    public string Configuration => string.Join(",", _servers.Select(static server => server.Configuration));

    public static async Task<RedisClusterServers> StartAsync()
    {
        var cluster = new RedisClusterServers();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var server = RedisServer.WithArgs("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000");
                cluster._servers.Add(server);
                await server.InitializeAsync();
            }

            await RunCliAsync(["--cluster", "create", .. cluster._servers.Select(static s => s.Configuration), "--cluster-replicas", "0", "--cluster-yes"]);
            foreach (var server in cluster._servers)
            {
                var clock = Stopwatch.StartNew();
                while (!(await RunCliAsync(["-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "cluster", "info"])).Contains("cluster_state:ok", StringComparison.Ordinal))
                {
                    Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the Redis Cluster on port {server.Port} did not reach cluster_state:ok");
                    await Task.Delay(100);
                }
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }

    private static async Task<string> RunCliAsync(IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("redis-cli did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(process.ExitCode == 0, $"redis-cli {string.Join(' ', args)} exited {process.ExitCode}: {await error}");
        return await output;
    }
}
