using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Switchboard.Connections.Sockets;

/// <summary>
/// One listening socket. Its accept loop passes each new socket to <see cref="HandshakeSorter"/>, which either keeps it
/// (a WebSocket handshake: the connection then owns the socket, and Kestrel never sees it) or gives it back; those
/// become Kestrel connections, which Kestrel takes from <see cref="AcceptAsync"/>.
/// </summary>
internal sealed class SocketListener : IConnectionListener
{
    private readonly Socket _listenSocket;
    private readonly HandshakeSorter _sorter;
    private readonly RawHandshakes _handshakes;
    private readonly SocketConnectionContextFactory _kestrelConnections;
    private readonly Channel<ConnectionContext> _forKestrel = Channel.CreateUnbounded<ConnectionContext>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;

    public SocketListener(Socket listenSocket, HandshakeSorter sorter, RawHandshakes handshakes, SocketConnectionContextFactory kestrelConnections)
    {
        _listenSocket = listenSocket;
        _sorter = sorter;
        _handshakes = handshakes;
        _kestrelConnections = kestrelConnections;
        EndPoint = listenSocket.LocalEndPoint!;
        _accepting = AcceptLoopAsync();
    }

    public EndPoint EndPoint { get; }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _forKestrel.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    private async Task AcceptLoopAsync()
    {
        await Task.Yield();
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listenSocket.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException
                || ex is SocketException { SocketErrorCode: SocketError.OperationAborted })
            {
                _forKestrel.Writer.TryComplete();
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
            {
                // The client gave up before it was accepted.
                continue;
            }
            catch (SocketException)
            {
                // Out of file descriptors or buffers: wait a little instead of spinning on the same error.
                await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            _ = SortAsync(socket);
        }
    }

    private async Task SortAsync(Socket socket)
    {
        try
        {
            var (result, request) = await _sorter.PeekAsync(socket, _stopping.Token).ConfigureAwait(false);
            if (result == SortResult.Taken)
            {
                // Not awaited: this method's state would otherwise live as long as the connection. The handshake owns
                // the socket from here, closes it when done, and never throws.
                _ = _handshakes.RunAsync(request!, socket.RemoteEndPoint, socket.LocalEndPoint, new SocketHandshakeTransport(socket));
                return;
            }

            if (result == SortResult.ForKestrel && !_stopping.IsCancellationRequested)
            {
                var connection = _kestrelConnections.Create(socket);
                if (!_forKestrel.Writer.TryWrite(connection))
                {
                    // Unbound while this one was being sorted.
                    await connection.DisposeAsync().ConfigureAwait(false);
                }

                return;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The client left, or the listener was disposed, while the socket was being sorted.
        }

        socket.Dispose();
    }

    public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listenSocket.Dispose();
        await _accepting.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await UnbindAsync().ConfigureAwait(false);
        while (_forKestrel.Reader.TryRead(out var unclaimed))
        {
            await unclaimed.DisposeAsync().ConfigureAwait(false);
        }

        _kestrelConnections.Dispose();
    }
}
