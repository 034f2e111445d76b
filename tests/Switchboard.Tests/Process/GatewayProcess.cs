using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;
using Switchboard.Tests.Infrastructure;

// Not "Switchboard.Tests.Process": a namespace by that name would hide System.Diagnostics.Process from every test namespace.
namespace Switchboard.Tests.Processes;

/// <summary>
/// The real <c>switchboard serve</c> process (the <c>switchboard.dll</c> built next to this test assembly), started with
/// the given arguments and a clean <c>SWITCHBOARD_*</c> environment. Reads stdout and stderr as they come, knows its
/// port from the listening line, and is always killed on dispose.
/// </summary>
public sealed partial class GatewayProcess : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly OutputCapture _output;

    private GatewayProcess(Process process, OutputCapture output)
    {
        _process = process;
        _output = output;
    }

    public int Pid => _process.Id;

    public int Port { get; private set; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public HttpClient Http { get; private set; } = null!;

    public string Stdout => _output.Stdout;

    public string Stderr => _output.Stderr;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>switchboard serve ARGS</c> and waits for the listening line.</summary>
    public static async Task<GatewayProcess> StartAsync(IEnumerable<string> serveArgs, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var process = Start(["serve", .. serveArgs], environment);
        var output = new OutputCapture(process);
        var gateway = new GatewayProcess(process, output);
        try
        {
            var line = await output.WaitForStdoutLineAsync(l => l.StartsWith("Switchboard listening on ", StringComparison.Ordinal), StartTimeout);
            var match = PortPattern().Match(line);
            Assert.True(match.Success, $"no port in the listening line: {line}");
            gateway.Port = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var credentials = new AspnetBackend.ManagementCredentials(
                environment?.GetValueOrDefault("SWITCHBOARD_ACCESS_KEY_ID") ?? ManagementSigning.AccessKeyId,
                environment?.GetValueOrDefault("SWITCHBOARD_SECRET_ACCESS_KEY") ?? ManagementSigning.SecretAccessKey,
                null,
                "us-east-1");
            gateway.Http = new HttpClient(new ManagementSigning.Handler(credentials)) { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(15) };
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts <c>dotnet switchboard.dll ARGS</c> with redirected streams and only the given <c>SWITCHBOARD_*</c> variables.</summary>
    internal static Process Start(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?>? environment, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "switchboard.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("SWITCHBOARD_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }

        // Plain, uncoloured log lines; no first-run banners from the host.
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["NO_COLOR"] = "1";

        // The test credential for the management API, unless the test gives its own (ManagementSigning).
        info.Environment["SWITCHBOARD_ACCESS_KEY_ID"] = ManagementSigning.AccessKeyId;
        info.Environment["SWITCHBOARD_SECRET_ACCESS_KEY"] = ManagementSigning.SecretAccessKey;
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                info.Environment[name] = value;
            }
        }

        return Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
    }

    /// <summary>The dotnet host running these tests (so the same runtime runs the gateway).</summary>
    internal static string DotnetHost
    {
        get
        {
            if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
            {
                return hostPath;
            }

            var self = Environment.ProcessPath;
            return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
        }
    }

    public Uri WebSocketUri(string stage = "dev") => new($"ws://127.0.0.1:{Port}/{stage}");

    /// <summary>Opens a WebSocket to a stage; the returned client is connected.</summary>
    public async Task<TestWebSocket> ConnectAsync(string stage = "dev")
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        try
        {
            await socket.ConnectAsync(WebSocketUri(stage), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new TestWebSocket(socket);
    }

    /// <summary>Sends a POSIX signal (TERM, INT, ...) with <c>kill</c>.</summary>
    public async Task SendSignalAsync(string signal)
    {
        var kill = await Cli.RunProgramAsync("kill", ["-s", signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(15));
        Assert.True(kill.ExitCode == 0, $"kill -s {signal} {_process.Id} failed: {kill.Stderr}");
    }

    /// <summary>kill -9: the process ends at once, cleaning nothing up.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await WaitForExitAsync(TimeSpan.FromSeconds(15));
    }

    /// <summary>Waits for the process to end and returns its exit code; throws <see cref="TimeoutException"/> (with its output) when it does not.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"switchboard (pid {_process.Id}) did not exit within {timeout}.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        try
        {
            if (!_process.HasExited)
            {
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
        }
    }

    [GeneratedRegex(@"^Switchboard listening on https?://[^\s,|]*:(\d+)")]
    private static partial Regex PortPattern();
}

/// <summary>Collects a process's stdout and stderr lines as they arrive, so waits can watch for a line.</summary>
internal sealed class OutputCapture
{
    private readonly object _gate = new();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly Process _process;

    public OutputCapture(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => OnLine(e.Data, _stdout, isStdout: true);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, _stderr, isStdout: false);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Stdout
    {
        get
        {
            lock (_gate)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>The first stdout line (past or future) that matches; throws when the stream ends or time runs out first.</summary>
    public async Task<string> WaitForStdoutLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var existing = _stdout.ToString().Split('\n').FirstOrDefault(line => match(line.TrimEnd('\r')));
            if (existing is not null)
            {
                return existing;
            }

            _waiters.Add((match, found));
        }

        var finished = await Task.WhenAny(found.Task, _stdoutClosed.Task, Task.Delay(timeout));
        if (finished == found.Task)
        {
            return await found.Task;
        }

        // The stream may have closed right after the line arrived.
        if (found.Task.IsCompleted)
        {
            return await found.Task;
        }

        var why = finished == _stdoutClosed.Task ? $"the process ended, {ExitStatus()}" : $"nothing within {timeout}";
        throw new TimeoutException($"expected line not printed ({why}).\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
    }

    private string ExitStatus()
    {
        try
        {
            return _process.WaitForExit(TimeSpan.FromSeconds(5)) ? $"exit code {_process.ExitCode}" : "still running";
        }
        catch (InvalidOperationException ex)
        {
            return ex.Message;
        }
    }

    private void OnLine(string? line, StringBuilder into, bool isStdout)
    {
        lock (_gate)
        {
            if (line is null)
            {
                if (isStdout)
                {
                    _stdoutClosed.TrySetResult();
                }

                return;
            }

            into.Append(line).Append('\n');
            if (!isStdout)
            {
                return;
            }

            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
            {
                waiter.Found.TrySetResult(line);
                _waiters.Remove(waiter);
            }
        }
    }
}
