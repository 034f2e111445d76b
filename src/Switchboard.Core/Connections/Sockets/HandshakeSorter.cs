using System.Buffers;
using System.Net.Sockets;
using Switchboard.Operations;
using Switchboard.Routing;

namespace Switchboard.Connections.Sockets;

/// <summary>What <see cref="HandshakeSorter.PeekAsync"/> found on a socket.</summary>
internal enum SortResult
{
    /// <summary>A WebSocket handshake to run on the socket; its head is consumed.</summary>
    Taken,

    /// <summary>Anything else: every byte is still unread, for Kestrel.</summary>
    ForKestrel,

    /// <summary>Nothing arrived in time, or the client left: the socket is to be closed.</summary>
    Closed,

    /// <summary>Part of a head: look again shortly (never returned by <see cref="HandshakeSorter.PeekAsync"/>).</summary>
    Incomplete,
}

/// <summary>
/// Looks at a new socket's first bytes without consuming them (<c>MSG_PEEK</c>): a WebSocket handshake for one of the
/// definition's paths, arrived whole, is read off the socket to be run on it; anything else (other requests, TLS,
/// HTTP/2, a head still incomplete after a few short waits) is left untouched for Kestrel, which reads the same bytes.
/// </summary>
internal sealed class HandshakeSorter(GatewayRuntimeHolder runtime, GatewayLifecycle lifecycle, TlsPorts tlsPorts, TimeProvider time, bool noDelay)
{
    // A head split across TCP segments usually completes within a millisecond; after this many doubling waits
    // (1 + 2 + ... + 32 ms) the connection goes to Kestrel, whose raw-socket middleware reads heads incrementally.
    private const int MaxPeeks = 7;

    [ThreadStatic]
    private static byte[]? t_headBuffer;

    /// <summary>
    /// Waits for the first bytes (a zero-byte read: no buffer while waiting) up to <c>limits.handshakeTimeoutSeconds</c>,
    /// then peeks at the head; a WebSocket handshake to take is consumed from the socket and returned.
    /// </summary>
    public async Task<(SortResult Result, HandshakeRequest? Request)> PeekAsync(Socket socket, CancellationToken stopping)
    {
        socket.NoDelay = noDelay;
        if (tlsPorts.IsTls(socket.LocalEndPoint))
        {
            // Encrypted bytes: only Kestrel (its TLS, then its HTTP) may read them.
            return (SortResult.ForKestrel, null);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(runtime.Current.Limits.HandshakeTimeoutSeconds), time);
        using var stop = stopping.Register(static state => ((CancellationTokenSource)state!).Cancel(), timeout);
        try
        {
            for (var peek = 0; peek < MaxPeeks; peek++)
            {
                if (peek == 0)
                {
                    await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                }
                else
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(1 << (peek - 1)), time, timeout.Token).ConfigureAwait(false);
                }

                var (result, request) = Peek(socket);
                if (result != SortResult.Incomplete)
                {
                    return (result, request);
                }
            }

            return (SortResult.ForKestrel, null);
        }
        catch (OperationCanceledException)
        {
            // The head did not arrive within limits.handshakeTimeoutSeconds, or the server is stopping.
            return (SortResult.Closed, null);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return (SortResult.Closed, null);
        }
    }

    /// <summary>
    /// One look at what has arrived.
    /// Synchronous, so one buffer per thread serves every handshake: a burst of handshakes rents and drops none.
    /// </summary>
    private (SortResult Result, HandshakeRequest? Request) Peek(Socket socket)
    {
        var buffer = t_headBuffer ??= new byte[HandshakeRequest.MaxHeadBytes];
        var length = socket.Receive(buffer, 0, buffer.Length, SocketFlags.Peek, out var error);
        if (error != SocketError.Success || length == 0)
        {
            return (SortResult.Closed, null);
        }

        var head = new ReadOnlySequence<byte>(buffer, 0, length);
        long scanned = 0;
        return HandshakeRequest.TryParse(head, ref scanned, out var request, out var headEnd) switch
        {
            HandshakeRequest.ParseStatus.WebSocket when runtime.Current.TryMatchWebSocket(request!.Path, out _, out _) && lifecycle.TakesHandshakes =>
                (Consume(socket, buffer, (int)head.Slice(0, headEnd).Length) ? SortResult.Taken : SortResult.Closed, request),
            HandshakeRequest.ParseStatus.NeedMoreData => (SortResult.Incomplete, null),
            _ => (SortResult.ForKestrel, null),
        };
    }

    /// <summary>Reads the head just peeked (it is in the kernel's buffer already, so this does not wait).</summary>
    private static bool Consume(Socket socket, byte[] buffer, int headLength)
    {
        var consumed = 0;
        while (consumed < headLength)
        {
            var read = socket.Receive(buffer, consumed, headLength - consumed, SocketFlags.None, out var error);
            if (error != SocketError.Success || read == 0)
            {
                return false;
            }

            consumed += read;
        }

        return true;
    }
}
