using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Switchboard.Redis;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, without persistence, in a temporary directory; killed on
/// dispose. Share one per test class (<c>IClassFixture&lt;RedisServer&gt;</c>) and give each test its own key prefix
/// (<see cref="NewKeyPrefix"/>, <see cref="ConnectAsync"/>) so tests never see each other's keys. <see cref="StopAsync"/>
/// and <see cref="StartAsync"/> stop and restart it on the same port, for outage tests (it comes back empty).
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    public const string Executable = "redis-server";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly TempDirectory _directory = new();
    private readonly Queue<string> _output = new();
    private readonly string[] _extraArgs;
    private Process? _process;

    // One public constructor: xunit builds class fixtures with it.
    public RedisServer()
        : this([])
    {
    }

    private RedisServer(string[] extraArgs) => _extraArgs = extraArgs;

    /// <summary>A server (not yet started) that runs with <paramref name="extraArgs"/> after the usual ones (e.g. cluster mode's).</summary>
    public static RedisServer WithArgs(params string[] extraArgs) => new(extraArgs);

    /// <summary>The directory it runs in (its files: a cluster node's <c>nodes.conf</c>).</summary>
    public string DirectoryPath => _directory.Path;

    /// <summary>The port it listens on, the same across restarts.</summary>
    public int Port { get; private set; }

    /// <summary>The StackExchange.Redis configuration string: <c>127.0.0.1:PORT</c>.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>A key prefix no other test uses.</summary>
    public static string NewKeyPrefix() => "test-" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>A new connection (a multiplexer of its own: another node) with <paramref name="keyPrefix"/>, or a fresh prefix.</summary>
    public Task<RedisStoreConnection> ConnectAsync(string? keyPrefix = null) => RedisStoreConnection.ConnectAsync(Configuration, keyPrefix ?? NewKeyPrefix());

    public async Task InitializeAsync()
    {
        // The port is free when asked, but another process may take it before redis-server binds it: try a few.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            try
            {
                await StartAsync();
                return;
            }
            catch (RedisServerStartException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>Starts the server (again) on <see cref="Port"/> and waits until it answers PING.</summary>
    public async Task StartAsync()
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("redis-server is already running");
        }

        var info = new ProcessStartInfo(FindExecutable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory.Path,
        };
        foreach (var arg in (string[])
        [
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", _directory.Path, "--daemonize", "no", "--loglevel", "warning",
            .. _extraArgs,
        ])
        {
            info.ArgumentList.Add(arg);
        }

        lock (_output)
        {
            _output.Clear();
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"{Executable} did not start");
        process.OutputDataReceived += (_, line) => Remember(line.Data);
        process.ErrorDataReceived += (_, line) => Remember(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var clock = Stopwatch.StartNew();
        while (!await AnswersPingAsync())
        {
            if (process.HasExited || clock.Elapsed > StartTimeout)
            {
                await StopAsync();
                throw new RedisServerStartException($"{Executable} on port {Port} did not start within {StartTimeout.TotalSeconds} s; its output:\n{Output()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Kills the server (as a crash would) and waits until it is gone; <see cref="StartAsync"/> brings it back.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
        process.Dispose();
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        _directory.Dispose();
    }

    private static string FindExecutable()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, Executable);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"{Executable} is not on PATH. The Redis store's tests run a real Redis server: install Debian's package with " +
            "'apt-get install redis-server' (.ci/run does this when it is missing).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var answer = new byte[7];
            var read = await stream.ReadAtLeastAsync(answer, answer.Length, throwOnEndOfStream: false, timeout.Token);
            return answer.AsSpan(0, read).SequenceEqual("+PONG\r\n"u8);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > 50)
            {
                _output.Dequeue();
            }
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.Count == 0 ? "(none)" : string.Join('\n', _output);
        }
    }

    private sealed class RedisServerStartException(string message) : Exception(message);
}
