using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Switchboard.Operations;

namespace Switchboard.Connections;

/// <summary>
/// One client socket after the handshake: one receive loop (<c>WebSocketConnection.Receive.cs</c>), a bounded outbound
/// queue with what writes it (<c>WebSocketConnection.Send.cs</c>: straight to an owned socket, <c>.SocketWrites.cs</c>,
/// or a send loop over a pipe), and the close handshake that ends both.
/// Everything another thread may call (<see cref="TryEnqueue"/>, <see cref="BeginClose"/>) is safe to call at any time and
/// never waits on the socket (the queue takes a short lock; the close is one compare-and-swap).
/// </summary>
public sealed partial class WebSocketConnection
{
    private const int StateOpen = 0;
    private const int StateClosing = 1;
    private const int StateClosed = 2;

    private Action? _abortTransport;
    private PipeReader? _input;
    private Sockets.SocketInput? _socketInput;
    private PipeWriter? _output;
    private readonly ConnectionSettings _settings;
    private readonly GatewayMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _abort = new();

    private int _state;
    private byte[]? _closeFrame;
    private ITimer? _closeDeadline;
    private volatile bool _discardQueued;

    // Monotonic TimeProvider timestamps (GetTimestamp), never wall-clock time: a step of the system clock neither
    // closes nor extends a connection. Only ConnectedAt is wall-clock, for display and the registry.
    private readonly long _connectedTimestamp;
    private long _lastActiveTimestamp;
    private long _lastReceivedTimestamp;
    private long _lastTrafficTimestamp;

    internal WebSocketConnection(
        string id,
        string api,
        string stage,
        string sourceIp,
        string? userAgent,
        ConnectionSettings settings,
        GatewayMetrics metrics,
        TimeProvider time,
        MessageAssemblyBudget assemblyBudget)
    {
        _settings = settings;
        _metrics = metrics;
        _time = time;
        _assemblyBudget = assemblyBudget;
        Id = id;
        Api = api;
        Stage = stage;
        SourceIp = sourceIp;
        UserAgent = userAgent;
        ConnectedAt = TruncateToMilliseconds(time.GetUtcNow());
        _connectedTimestamp = _lastActiveTimestamp = _lastReceivedTimestamp = _lastTrafficTimestamp = time.GetTimestamp();
        LastActiveFlushedTimestamp = _connectedTimestamp;
    }

    /// <summary>
    /// A connection that a dead node held, rebuilt from what the cluster kept of it, only so that its
    /// <c>$disconnect</c> event can be built (Delivery/OrphanDisconnects.cs). It never had a socket here.
    /// </summary>
    internal static WebSocketConnection Orphan(
        Delivery.ConnectionSnapshot snapshot,
        ConnectionSettings settings,
        GatewayMetrics metrics,
        TimeProvider time,
        MessageAssemblyBudget assemblyBudget) =>
        new(snapshot.ConnectionId, snapshot.Api, snapshot.Stage, snapshot.SourceIp, snapshot.UserAgent, settings, metrics, time, assemblyBudget)
        {
            ConnectedAt = snapshot.ConnectedAt,
            DomainName = snapshot.DomainName,
            Identity = snapshot.Identity,
            _state = StateClosed,
        };

    public string Id { get; }

    public string Api { get; }

    public string Stage { get; }

    public string SourceIp { get; }

    public string? UserAgent { get; }

    public DateTimeOffset ConnectedAt { get; private init; }

    /// <summary>The largest message this connection may send or be sent (<c>limits.maxMessageBytes</c>).</summary>
    internal int MaxMessageBytes => _settings.MaxMessageBytes;

    /// <summary>When the client last sent a message (not a ping or pong): <see cref="ConnectedAt"/> plus the monotonic time since.</summary>
    public DateTimeOffset LastActiveAt =>
        TruncateToMilliseconds(ConnectedAt + _time.GetElapsedTime(_connectedTimestamp, Volatile.Read(ref _lastActiveTimestamp)));

    /// <summary>Monotonic timestamp of the connection's start (connection lifetime).</summary>
    internal long ConnectedTimestamp => _connectedTimestamp;

    /// <summary>Monotonic timestamp of the client's last message (not a ping or pong).</summary>
    internal long LastActiveTimestamp => Volatile.Read(ref _lastActiveTimestamp);

    /// <summary>Monotonic timestamp of the last bytes of any frame from the client (keep-alive checks).</summary>
    internal long LastReceivedTimestamp => Volatile.Read(ref _lastReceivedTimestamp);

    /// <summary>Monotonic timestamp of the last message in either direction (idle timeout, as API Gateway measures it).</summary>
    internal long LastTrafficTimestamp => Volatile.Read(ref _lastTrafficTimestamp);

    /// <summary>
    /// Set when another node already ran this connection's <c>$disconnect</c> (it took this node for dead while it could
    /// not reach Redis): the close that follows must not run it again.
    /// </summary>
    internal bool DisconnectedElsewhere { get; set; }

    /// <summary>Whether the registry holds a row for this connection (set by <c>registry.save</c>, cleared by <c>registry.delete</c>).</summary>
    public bool IsRegistered { get; internal set; }

    /// <summary>Monotonic timestamp of the last keep-alive ping sent; written only by the sweeper.</summary>
    internal long LastPingSentTimestamp { get; set; }

    /// <summary>The <see cref="LastActiveTimestamp"/> the registry was last told; written only by the sweeper.</summary>
    internal long LastActiveFlushedTimestamp { get; set; }

    /// <summary>False once a close has begun; such a connection takes no more messages.</summary>
    public bool IsOpen => Volatile.Read(ref _state) == StateOpen;

    /// <summary>The close code sent or received, for <c>$disconnect</c>; 1006 when the peer vanished without one.</summary>
    public ushort CloseStatus { get; private set; } = 1006;

    /// <summary>What ended the receive loop when it was not the client, the transport or a close: a bug to log.</summary>
    internal Exception? UnexpectedFailure { get; private set; }

    /// <summary>The close reason sent or received, for <c>$disconnect</c>.</summary>
    public string CloseReason { get; private set; } = "";

    /// <summary>Who the API's authorizer admitted (principal and context), or null when the API has none.</summary>
    public Authorizers.ConnectionIdentity? Identity { get; internal set; }

    /// <summary>The <c>Host</c> the client connected to: API Gateway's <c>domainName</c>, the start of the callback URL.</summary>
    public string DomainName { get; internal init; } = "";

    private Routing.InboundQueue? _inbound;
    private volatile bool _inboundAborted;

    /// <summary>Messages waiting for a backend integration; created by the router at the first one.</summary>
    internal Routing.InboundQueue? Inbound
    {
        get => Volatile.Read(ref _inbound);
        set
        {
            Volatile.Write(ref _inbound, value);

            // An abort that ran just before the queue existed still applies to it.
            if (_inboundAborted)
            {
                value?.Abort();
            }
        }
    }

    /// <summary>Raised once, on the thread that begins the close, so the connection leaves every lookup at once.</summary>
    internal event Action<WebSocketConnection>? Closing;

    /// <summary>
    /// Runs the connection over <paramref name="transport"/> (the socket after the 101) until it is finished; never
    /// throws. An owned socket is shut down and closed at the end.
    /// </summary>
    internal async Task RunAsync(ConnectionTransport transport, IMessageHandler handler)
    {
        _input = transport.Input;
        _output = transport.Output;
        _abortTransport = transport.Abort;
        Task? sending = null;
        if (transport.Socket is { } socket)
        {
            _socketInput = new Sockets.SocketInput(socket);
            AttachSocket(socket);
            if (_abort.IsCancellationRequested)
            {
                // Aborted (or its close deadline passed) before it had its socket: drop the socket now.
                AbortSocket();
            }
        }
        else
        {
            sending = SendLoopAsync();
        }

        try
        {
            await ReceiveLoopAsync(handler).ConfigureAwait(false);
        }
        catch (Exception) when (_abort.IsCancellationRequested)
        {
            // The close deadline passed or the connection was aborted; nothing more to read.
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ConnectionAbortedException or InvalidOperationException)
        {
            // The transport failed under us; the peer is gone.
        }
        catch (Exception ex)
        {
            // Anything else is a bug (in the frame parser or a handler): the session logs it, and the client is told
            // with 1011 (internal error) rather than left with a socket that stopped answering. The connection still
            // ends properly below: the send loop sends what is queued and the close frame, and the pipes close.
            UnexpectedFailure = ex;
            BeginClose(CloseCodes.InternalError, "Internal error");
        }

        if (Interlocked.CompareExchange(ref _state, StateClosed, StateOpen) == StateOpen)
        {
            // The peer went away without a close frame: nothing left to send to it (a write waiting for it to read
            // would wait forever: an owned socket's writes take no token, so the socket is dropped).
            _discardQueued = true;
            CompleteQueue();
            Closing?.Invoke(this);
            _abort.Cancel();
            AbortSocket();
        }

        await (sending ?? SocketWritesFinishedAsync()).ConfigureAwait(false);
        Volatile.Write(ref _state, StateClosed);
        Interlocked.Exchange(ref _closeDeadline, null)?.Dispose();
        if (_abort.IsCancellationRequested)
        {
            // The close handshake did not finish in time (or the peer vanished): drop the TCP connection rather than
            // let the server try to flush to a client that is not reading.
            DropTransport();
        }

        if (_socketInput is not null)
        {
            // Everything to send is sent: close the TCP connection (the server closes first, RFC 6455 section 7.1.1).
            _socketInput.Release();
            AbortSocket();
            transport.Socket!.Dispose();
        }
        else
        {
            await _input!.CompleteAsync().ConfigureAwait(false);
            await _output!.CompleteAsync().ConfigureAwait(false);
        }

        _abort.Dispose();
    }

    /// <summary>
    /// Starts the close handshake: no more messages are taken, what is queued is sent (or dropped when
    /// <paramref name="discardQueued"/>), then a close frame with <paramref name="code"/>. False when a close already began.
    /// </summary>
    public bool BeginClose(ushort code, string reason, bool discardQueued = false)
    {
        if (Interlocked.CompareExchange(ref _state, StateClosing, StateOpen) != StateOpen)
        {
            return false;
        }

        CloseStatus = code;
        CloseReason = reason;
        _closeFrame = WebSocketFrames.Close(code, reason);
        _discardQueued = discardQueued;
        CompleteQueue();
        Closing?.Invoke(this);
        // On the TimeProvider's clock (monotonic), and only once a close begins: an open connection holds no timer.
        Volatile.Write(ref _closeDeadline, _time.CreateTimer(
            static state => ((WebSocketConnection)state!).CancelLoops(), this, _settings.CloseHandshakeTimeout, Timeout.InfiniteTimeSpan));
        return true;
    }

    /// <summary>Drops the connection without a close handshake.</summary>
    public void Abort()
    {
        AbortInbound();
        if (Interlocked.Exchange(ref _state, StateClosed) == StateOpen)
        {
            _discardQueued = true;
            CompleteQueue();
            Closing?.Invoke(this);
        }

        CancelLoops();
        DropTransport();
    }

    private void DropTransport()
    {
        if (_socket is not null)
        {
            AbortSocket();
            return;
        }

        try
        {
            _abortTransport?.Invoke();
        }
        catch (ObjectDisposedException)
        {
            // The request behind an HTTP-upgraded connection has already finished.
        }
    }

    /// <summary>Gives up the messages waiting for backend integrations; calls in flight are cancelled.</summary>
    internal void AbortInbound()
    {
        _inboundAborted = true;
        Inbound?.Abort();
    }

    /// <summary>Ends both loops (the close deadline passed); the transport is then dropped.</summary>
    private void CancelLoops()
    {
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Finished in the meantime.
        }

        // A write to an owned socket takes no cancellation token: dropping the socket is what ends it.
        AbortSocket();
    }

    private long Now() => _time.GetTimestamp();

    private static DateTimeOffset TruncateToMilliseconds(DateTimeOffset value) =>
        DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());
}
