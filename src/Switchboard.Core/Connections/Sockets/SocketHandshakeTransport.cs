using System.IO.Pipelines;
using System.Net.Sockets;

namespace Switchboard.Connections.Sockets;

/// <summary>Answers a handshake on a socket the connection will own: the 101 or a refusal goes straight to the socket.</summary>
internal sealed class SocketHandshakeTransport(Socket socket) : IRawHandshakeTransport
{
    public async ValueTask RefuseAsync(byte[] response)
    {
        try
        {
            await socket.SendAsync(response, SocketFlags.None).ConfigureAwait(false);
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The client left first.
        }
    }

    public async Task<ConnectionTransport?> AcceptAsync(byte[] switchingProtocols)
    {
        try
        {
            await socket.SendAsync(switchingProtocols, SocketFlags.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return null;
        }

        // The stream is made while the socket is still in blocking mode (NetworkStream requires it); from here on a
        // send that cannot complete at once returns instead of waiting, which is how frames are written
        // (WebSocketConnection.SocketWrites.cs). Asynchronous reads and writes are not affected.
        var input = PipeReader.Create(new NetworkStream(socket, ownsSocket: false), ConnectionTransport.ReadOptions);
        socket.Blocking = false;
        return new ConnectionTransport(input, null, socket, null);
    }
}
