using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;
using Switchboard.Tests.Examples;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Processes;
using static Switchboard.Tests.Cluster.ThreeNodeCluster;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// The shipped nginx configuration (deploy/nginx/switchboard-cluster.conf) in front of a real three-node cluster:
/// clients land on different nodes without sticky sessions, and broadcasts and management calls made through nginx
/// reach every client wherever it is (docs/clustering.md). The test runs Debian's nginx as a child process.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed partial class NginxTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task ClientsThroughNginx_LandOnSeveralNodes_AndBroadcastsAndManagementPostsReachEachOnce()
    {
        await using var cluster = await StartAsync();
        await using var nginx = await NginxProcess.StartAsync(cluster);
        var clients = new List<(TestWebSocket Client, string Id)>();
        try
        {
            for (var i = 0; i < 9; i++)
            {
                var client = await nginx.ConnectAsync();
                clients.Add((client, await ProcessTestKit.ConnectionIdAsync(client)));
            }

            var perNode = await ProcessTestKit.PollAsync(
                () => ConnectionsPerNodeAsync(cluster),
                counts => counts.Values.Sum() == clients.Count,
                TimeSpan.FromSeconds(10),
                "every client counted by some node");
            var distribution = string.Join(", ", perNode.Select(n => $"{n.Key}={n.Value}"));
            Assert.True(perNode.Values.Count(n => n > 0) > 1, $"every client landed on one node: {distribution}");

            // A client's broadcast: every other client once, whatever node it is on; not the sender.
            await clients[0].Client.SendTextAsync(SeedMessages.OnMessage("through nginx"));
            foreach (var (client, _) in clients.Skip(1))
            {
                Assert.Equal("through nginx", await client.ReceiveTextAsync());
            }

            foreach (var (client, _) in clients)
            {
                await client.AssertNothingReceivedAsync(Quiet);
            }

            // Management posts through nginx land on whichever node nginx picks; those for another node's client cross
            // the backplane.
            var crossedBefore = await BackplaneReceivedAsync(cluster);
            foreach (var (client, id) in clients)
            {
                using var post = await nginx.Http.PostAsync($"/dev/@connections/{id}", new StringContent($"to {id}", Encoding.UTF8));
                Assert.True(post.StatusCode == HttpStatusCode.OK, $"POST @connections/{id} through nginx: {(int)post.StatusCode} {await post.Content.ReadAsStringAsync()}");
                Assert.Equal($"to {id}", await client.ReceiveTextAsync());
            }

            Assert.True(await BackplaneReceivedAsync(cluster) > crossedBefore, $"no management post crossed to another node ({distribution})");

            // A counted send to the whole stage, through nginx, counts every node's clients.
            using (var all = await nginx.Http.PostAsync("/dev/@connections", new StringContent("everyone", Encoding.UTF8)))
            {
                var body = await all.Content.ReadAsStringAsync();
                Assert.True(all.StatusCode == HttpStatusCode.OK, body);
                Assert.Equal(clients.Count, Sent(body));
            }

            foreach (var (client, _) in clients)
            {
                Assert.Equal("everyone", await client.ReceiveTextAsync());
                await client.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(100));
            }
        }
        finally
        {
            foreach (var (client, _) in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ANodeKilled_NewClientsThroughNginx_AreServedByTheOthers()
    {
        await using var cluster = await StartAsync();
        await using var nginx = await NginxProcess.StartAsync(cluster);
        await cluster.KillAsync(2);

        // Connects to the dead node are refused: nginx passes each handshake on to a live node (proxy_next_upstream)
        // and, after max_fails of them, stops trying it.
        var clients = new List<TestWebSocket>();
        try
        {
            for (var i = 0; i < 6; i++)
            {
                clients.Add(await nginx.ConnectAsync());
            }

            await clients[0].SendTextAsync(SeedMessages.OnMessage("still here"));
            foreach (var client in clients.Skip(1))
            {
                Assert.Equal("still here", await client.ReceiveTextAsync());
            }

            var perNode = await ConnectionsPerNodeAsync(cluster);
            Assert.Equal(clients.Count, perNode.Values.Sum());
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>Each live node's <c>switchboard_connections</c>, read from its own <c>/metrics</c>.</summary>
    private static async Task<Dictionary<string, int>> ConnectionsPerNodeAsync(ThreeNodeCluster cluster)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in cluster.Nodes)
        {
            var metrics = await node.Http.GetStringAsync("/metrics");
            var match = ConnectionsGauge().Match(metrics);
            Assert.True(match.Success, $"no switchboard_connections in /metrics of port {node.Port}:\n{metrics}");
            counts[match.Groups["node"].Value] = int.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        }

        return counts;
    }

    /// <summary>Sends and calls from other nodes that the live nodes handled, summed.</summary>
    private static async Task<long> BackplaneReceivedAsync(ThreeNodeCluster cluster)
    {
        long total = 0;
        foreach (var node in cluster.Nodes)
        {
            var match = BackplaneReceived().Match(await node.Http.GetStringAsync("/metrics"));
            Assert.True(match.Success, $"no switchboard_backplane_received_total in /metrics of port {node.Port}");
            total += long.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        }

        return total;
    }

    [GeneratedRegex(@"^switchboard_connections\{node=""(?<node>[^""]*)""\} (?<value>\d+)$", RegexOptions.Multiline)]
    private static partial Regex ConnectionsGauge();

    [GeneratedRegex(@"^switchboard_backplane_received_total\{[^}]*\} (?<value>\d+)$", RegexOptions.Multiline)]
    private static partial Regex BackplaneReceived();

    /// <summary>
    /// nginx in the foreground (<c>daemon off</c>) with a copy of the shipped configuration whose four addresses are
    /// the test cluster's: a free listen port and the three nodes' ports. Its prefix (pid, logs, temporary files) is a
    /// temporary directory, so it runs without root. Killed with its workers on dispose.
    /// </summary>
    private sealed class NginxProcess : IAsyncDisposable
    {
        public const string DebianPath = "/usr/sbin/nginx";

        private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

        private readonly Process _process;
        private readonly TempDirectory _prefix;
        private readonly StringBuilder _output = new();

        private NginxProcess(Process process, TempDirectory prefix, int port)
        {
            _process = process;
            _prefix = prefix;
            Port = port;
            Http = new HttpClient(new ManagementSigning.Handler(ManagementSigning.Credentials()))
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"),
                Timeout = TimeSpan.FromSeconds(15),
            };
            process.OutputDataReceived += (_, e) => Remember(e.Data);
            process.ErrorDataReceived += (_, e) => Remember(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public int Port { get; }

        /// <summary>Signs management calls with the credential every test node accepts.</summary>
        public HttpClient Http { get; }

        public static async Task<NginxProcess> StartAsync(ThreeNodeCluster cluster)
        {
            var executable = FindExecutable();
            var shipped = await File.ReadAllTextAsync(RepositoryPaths.Of("deploy", "nginx", "switchboard-cluster.conf"));
            var nodes = cluster.Nodes.ToList();
            Assert.Equal(3, nodes.Count);

            // The free port may be taken before nginx binds it: try a few.
            for (var attempt = 1; ; attempt++)
            {
                var port = FreePort();
                var prefix = new TempDirectory();
                var config = Path.Combine(prefix.Path, "switchboard-cluster.conf");
                await File.WriteAllTextAsync(config, WithAddresses(shipped, port, nodes.Select(n => n.Port).ToArray()));
                var nginx = new NginxProcess(Start(executable, prefix.Path, config), prefix, port);
                try
                {
                    await nginx.WaitUntilServingAsync();
                    return nginx;
                }
                catch (NginxStartException) when (attempt < 3)
                {
                    await nginx.DisposeAsync();
                }
                catch
                {
                    await nginx.DisposeAsync();
                    throw;
                }
            }
        }

        /// <summary>Opens a WebSocket to a stage through nginx; the returned client is connected.</summary>
        public async Task<TestWebSocket> ConnectAsync(string stage = "dev")
        {
            var socket = new ClientWebSocket();
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
            try
            {
                await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{Port}/{stage}"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(15));
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            return new TestWebSocket(socket);
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            try
            {
                if (!_process.HasExited)
                {
                    // The master and its workers: a worker left behind would keep the port.
                    _process.Kill(entireProcessTree: true);
                    using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                    await _process.WaitForExitAsync(cancel.Token);
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
            {
            }
            finally
            {
                _process.Dispose();
                _prefix.Dispose();
            }
        }

        /// <summary>
        /// The shipped file with its listen address and its three nodes' addresses replaced, each of which must be
        /// written exactly once outside comments: the test runs what users run, or fails when the file changes shape.
        /// </summary>
        private static string WithAddresses(string shipped, int listenPort, int[] nodePorts)
        {
            var replacements = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["127.0.0.1:8080"] = $"127.0.0.1:{listenPort}",
                ["127.0.0.1:8081"] = $"127.0.0.1:{nodePorts[0]}",
                ["127.0.0.1:8082"] = $"127.0.0.1:{nodePorts[1]}",
                ["127.0.0.1:8083"] = $"127.0.0.1:{nodePorts[2]}",
            };
            var found = replacements.Keys.ToDictionary(k => k, _ => 0, StringComparer.Ordinal);
            var lines = shipped.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].TrimStart().StartsWith('#'))
                {
                    continue;
                }

                foreach (var (placeholder, address) in replacements)
                {
                    var count = Regex.Matches(lines[i], Regex.Escape(placeholder) + @"(?!\d)").Count;
                    if (count > 0)
                    {
                        found[placeholder] += count;
                        lines[i] = Regex.Replace(lines[i], Regex.Escape(placeholder) + @"(?!\d)", address);
                    }
                }
            }

            foreach (var (placeholder, count) in found)
            {
                Assert.True(count == 1, $"deploy/nginx/switchboard-cluster.conf must name {placeholder} exactly once outside comments (the test replaces it); found {count}");
            }

            return string.Join('\n', lines);
        }

        private static Process Start(string executable, string prefix, string config)
        {
            var info = new ProcessStartInfo(executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = prefix,
            };
            foreach (var arg in new[] { "-p", prefix + "/", "-c", config, "-g", "daemon off;" })
            {
                info.ArgumentList.Add(arg);
            }

            return Process.Start(info) ?? throw new InvalidOperationException("nginx did not start");
        }

        /// <summary>Waits until a request through nginx reaches a node's <c>/healthz</c>.</summary>
        private async Task WaitUntilServingAsync()
        {
            using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var clock = Stopwatch.StartNew();
            while (true)
            {
                if (_process.HasExited)
                {
                    throw new NginxStartException($"nginx exited with {_process.ExitCode} during start:\n{Output()}");
                }

                try
                {
                    using var health = await probe.GetAsync($"http://127.0.0.1:{Port}/healthz");
                    if (health.StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                }

                if (clock.Elapsed > StartTimeout)
                {
                    throw new TimeoutException($"nginx on port {Port} did not pass a request to a node within {StartTimeout.TotalSeconds} s:\n{Output()}");
                }

                await Task.Delay(100);
            }
        }

        private static string FindExecutable()
        {
            if (File.Exists(DebianPath))
            {
                return DebianPath;
            }

            var path = Environment.GetEnvironmentVariable("PATH") ?? "";
            foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(directory, "nginx");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            Assert.Fail(
                $"nginx is not installed (neither {DebianPath} nor on PATH). The cluster's nginx tests run the shipped " +
                "deploy/nginx/switchboard-cluster.conf with a real nginx: install Debian's package with 'apt-get install nginx' " +
                "(.ci/run does this when it is missing).");
            return null!;
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private void Remember(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.Append(line).Append('\n');
                }
            }
        }

        /// <summary>What nginx printed, and its error log (where a bind or configuration failure is written).</summary>
        private string Output()
        {
            string printed;
            lock (_output)
            {
                printed = _output.Length == 0 ? "(nothing)" : _output.ToString();
            }

            var errorLog = Path.Combine(_prefix.Path, "error.log");
            var logged = File.Exists(errorLog) ? File.ReadAllText(errorLog) : "(no error.log)";
            return $"output:\n{printed}\nerror.log:\n{logged}";
        }
    }

    private sealed class NginxStartException(string message) : Exception(message);
}
