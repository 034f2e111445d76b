using System.IO.Pipelines;
using System.Net.Sockets;

namespace Switchboard.Connections;

/// <summary>
/// What a connection runs over after the 101. Either the connection owns its <see cref="Socket"/> (a plain-HTTP handshake
/// taken off the listening socket: frames are written to the socket directly, docs/architecture.md "Connections own
/// their sockets"), and reads and writes it itself; or it reads <see cref="Input"/> and writes <see cref="Output"/> (TLS,
/// and handshakes that reached Kestrel's HTTP stack), and <see cref="Abort"/> drops that TCP connection.
/// </summary>
internal readonly record struct ConnectionTransport(PipeReader? Input, PipeWriter? Output, Socket? Socket, Action? Abort)
{
    /// <summary>A socket the connection owns from now on (its 101 is sent; it is in non-blocking mode).</summary>
    public static ConnectionTransport Owned(Socket socket) => new(null, null, socket, null);

    /// <summary>
    /// How a connection reads an upgraded request's stream: a zero-byte read waits for data, so an idle connection
    /// holds no buffer; then at least 1 KiB is read into a pooled 4 KiB segment, returned as soon as the frames are parsed.
    /// </summary>
    public static readonly StreamPipeReaderOptions ReadOptions = new(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true, useZeroByteReads: true);

    /// <summary>A transport written through a pipe (Kestrel's connection or an upgraded HTTP request's stream).</summary>
    public static ConnectionTransport OverPipe(IDuplexPipe pipe, Action abort) => new(pipe.Input, pipe.Output, null, abort);
}
