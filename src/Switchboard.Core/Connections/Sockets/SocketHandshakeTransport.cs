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
            // From here on a send that cannot complete at once returns instead of waiting, which is how frames are
            // written (WebSocketConnection.SocketWrites.cs). The 101 fits a new socket's buffer, so it goes out
            // synchronously too (an asynchronous send would keep a send state object on the socket for its life).
            socket.Blocking = false;
            var sent = socket.Send(switchingProtocols, SocketFlags.None, out var error);
            if (error is not (SocketError.Success or SocketError.WouldBlock))
            {
                return null;
            }

            if (sent < switchingProtocols.Length)
            {
                await socket.SendAsync(switchingProtocols.AsMemory(sent), SocketFlags.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return null;
        }

        return ConnectionTransport.Owned(socket);
    }

    public void Close() => socket.Dispose();
}
