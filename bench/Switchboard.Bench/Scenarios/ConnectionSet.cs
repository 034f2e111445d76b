using System.Diagnostics;
using Switchboard.Bench.Client;
using Switchboard.Bench.Metrics;

namespace Switchboard.Bench.Scenarios;

/// <summary>
/// Many connections opened with a bounded number of handshakes in flight, kept alive when the protocol needs the client
/// to ping (SignalR), and closed with a close handshake. Failures are counted, not thrown.
/// </summary>
internal sealed class ConnectionSet : IAsyncDisposable
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(15);

    private readonly IBenchProtocol _protocol;
    private readonly CancellationTokenSource _keepAliveStop = new();
    private Task _keepAlive = Task.CompletedTask;
    private int _failed;
    private int _opened;
    private string? _firstError;

    private ConnectionSet(IBenchProtocol protocol, int count)
    {
        _protocol = protocol;
        Sockets = new RawWebSocket?[count];
    }

    /// <summary>The connections by index; null where opening failed.</summary>
    public RawWebSocket?[] Sockets { get; }

    public int Opened => Volatile.Read(ref _opened);

    public int Failed => _failed;

    public string? FirstError => _firstError;

    public TimeSpan OpenElapsed { get; private set; }

    /// <summary>Connect plus handshake time of each connection.</summary>
    public LatencyHistogram HandshakeLatency { get; } = new();

    /// <summary>
    /// Opens <c>count</c> connections. <c>sinkFor</c> gives each its message sink (null leaves the connection unread);
    /// <c>setup</c> runs on each after the protocol handshake, before its receive loop starts.
    /// </summary>
    public static async Task<ConnectionSet> OpenAsync(
        BenchContext context,
        int count,
        int concurrency,
        int bufferSize,
        Func<int, IMessageSink?> sinkFor,
        string? progressLabel = null,
        int socketReceiveBuffer = 0,
        Func<int, RawWebSocket, CancellationToken, Task>? setup = null)
    {
        var set = new ConnectionSet(context.Protocol, count);
        var next = -1;
        var histograms = new List<LatencyHistogram>();
        var started = Stopwatch.GetTimestamp();
        await using (progressLabel is null ? null : ProgressReporter.Start(progressLabel, () => set.Opened, "opened"))
        {
            var workers = Enumerable.Range(0, Math.Clamp(concurrency, 1, Math.Max(1, count))).Select(async _ =>
            {
                var histogram = new LatencyHistogram();
                lock (histograms)
                {
                    histograms.Add(histogram);
                }

                int index;
                while ((index = Interlocked.Increment(ref next)) < count)
                {
                    var began = Stopwatch.GetTimestamp();
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
                    timeout.CancelAfter(HandshakeTimeout);
                    RawWebSocket? socket = null;
                    try
                    {
                        socket = await RawWebSocket.ConnectAsync(context.WebSocket, bufferSize, timeout.Token, socketReceiveBuffer);
                        await context.Protocol.HandshakeAsync(socket, timeout.Token);
                        if (setup is not null)
                        {
                            await setup(index, socket, timeout.Token);
                        }

                        histogram.Record(Stopwatch.GetTimestamp() - began);
                        if (sinkFor(index) is { } sink)
                        {
                            socket.StartReceiving(context.Protocol.CreateSink(sink));
                        }

                        set.Sockets[index] = socket;
                        Interlocked.Increment(ref set._opened);
                    }
                    catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException or InvalidDataException)
                    {
                        socket?.Dispose();
                        if (Interlocked.Increment(ref set._failed) == 1)
                        {
                            set._firstError = ex is OperationCanceledException ? "handshake timed out" : ex.Message;
                        }

                        if (context.Cancellation.IsCancellationRequested)
                        {
                            return;
                        }
                    }
                }
            }).ToArray();
            await Task.WhenAll(workers);
        }

        set.OpenElapsed = Stopwatch.GetElapsedTime(started);
        foreach (var histogram in histograms)
        {
            set.HandshakeLatency.Add(histogram);
        }

        if (context.Protocol.KeepAliveMessage is { } keepAlive)
        {
            set._keepAlive = set.KeepAliveAsync(keepAlive, context.Protocol.KeepAliveInterval, set._keepAliveStop.Token);
        }

        return set;
    }

    /// <summary>Sends a close frame on every open connection and waits for the server's; counts those answered in time.</summary>
    public async Task<CloseOutcome> CloseAllAsync(int concurrency, TimeSpan timeout, string? progressLabel = null)
    {
        await StopKeepAliveAsync();
        var next = -1;
        var closed = 0;
        var failed = 0;
        var started = Stopwatch.GetTimestamp();
        await using (progressLabel is null ? null : ProgressReporter.Start(progressLabel, () => Volatile.Read(ref closed), "closed"))
        {
            var workers = Enumerable.Range(0, Math.Clamp(concurrency, 1, Math.Max(1, Sockets.Length))).Select(async _ =>
            {
                int index;
                while ((index = Interlocked.Increment(ref next)) < Sockets.Length)
                {
                    if (Sockets[index] is not { } socket)
                    {
                        continue;
                    }

                    Sockets[index] = null;
                    var answered = await socket.CloseAsync(1000, timeout);
                    socket.Dispose();
                    if (answered)
                    {
                        Interlocked.Increment(ref closed);
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
            }).ToArray();
            await Task.WhenAll(workers);
        }

        return new CloseOutcome(closed, failed, Stopwatch.GetElapsedTime(started));
    }

    public async ValueTask DisposeAsync()
    {
        await StopKeepAliveAsync();
        foreach (var socket in Sockets)
        {
            socket?.Dispose();
        }

        _keepAliveStop.Dispose();
    }

    private async Task StopKeepAliveAsync()
    {
        if (!_keepAliveStop.IsCancellationRequested)
        {
            await _keepAliveStop.CancelAsync();
        }

        await _keepAlive;
    }

    private async Task KeepAliveAsync(byte[] message, TimeSpan interval, CancellationToken stop)
    {
        // One masked frame for everyone: the key need not differ between connections for the server's sake.
        var frame = new byte[FrameWriter.FrameLength(message.Length)];
        FrameWriter.Write(frame, FrameWriter.Text, message, (uint)Random.Shared.Next());
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                foreach (var socket in Sockets)
                {
                    if (socket is { Ended: false })
                    {
                        try
                        {
                            await socket.SendFramesAsync(frame, stop);
                        }
                        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ObjectDisposedException or IOException)
                        {
                            // The receive loop reports the connection's end.
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}

/// <summary>Connections closed with a close handshake answered in time, those that were not, and how long closing all took.</summary>
internal readonly record struct CloseOutcome(int Closed, int Failed, TimeSpan Elapsed);
