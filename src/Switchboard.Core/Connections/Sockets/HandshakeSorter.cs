using System.Buffers;
using System.Net.Sockets;
using Switchboard.Operations;
using Switchboard.Routing;

namespace Switchboard.Connections.Sockets;

/// <summary>What <see cref="HandshakeSorter.TryTakeAsync"/> did with a socket.</summary>
internal enum SortResult
{
    /// <summary>A WebSocket handshake: it ran here (and the connection after it); the socket is closed.</summary>
    Taken,

    /// <summary>Anything else: every byte is still unread, for Kestrel.</summary>
    ForKestrel,

    /// <summary>Nothing arrived in time, or the client left: the socket is closed.</summary>
    Closed,
}

/// <summary>
/// Looks at a new socket's first bytes without consuming them (<c>MSG_PEEK</c>): a WebSocket handshake for one of the
/// definition's paths, arrived whole, is read and run here on the socket itself; anything else (other requests, TLS,
/// HTTP/2, a head still incomplete after a few short waits) is left untouched for Kestrel, which reads the same bytes.
/// </summary>
internal sealed class HandshakeSorter(GatewayRuntimeHolder runtime, GatewayLifecycle lifecycle, RawHandshakes handshakes, TimeProvider time, bool noDelay)
{
    // A head split across TCP segments usually completes within a millisecond; after this many doubling waits
    // (1 + 2 + ... + 32 ms) the connection goes to Kestrel, whose raw-socket middleware reads heads incrementally.
    private const int MaxPeeks = 7;

    public async Task<SortResult> TryTakeAsync(Socket socket, CancellationToken stopping)
    {
        if (socket.LocalEndPoint is System.Net.IPEndPoint)
        {
            socket.NoDelay = noDelay;
        }

        var (result, request) = await PeekHandshakeAsync(socket, stopping).ConfigureAwait(false);
        if (result != SortResult.Taken)
        {
            if (result == SortResult.Closed)
            {
                socket.Dispose();
            }

            return result;
        }

        try
        {
            await handshakes.RunAsync(request!, socket.RemoteEndPoint, socket.LocalEndPoint, new SocketHandshakeTransport(socket)).ConfigureAwait(false);
        }
        finally
        {
            socket.Dispose();
        }

        return SortResult.Taken;
    }

    /// <summary>
    /// Waits for the first bytes (a zero-byte read: no buffer while waiting) up to <c>limits.handshakeTimeoutSeconds</c>,
    /// then peeks at the head; a WebSocket handshake to take is consumed from the socket and returned.
    /// </summary>
    private async Task<(SortResult Result, HandshakeRequest? Request)> PeekHandshakeAsync(Socket socket, CancellationToken stopping)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(runtime.Current.Limits.HandshakeTimeoutSeconds), time);
        using var stop = stopping.Register(static state => ((CancellationTokenSource)state!).Cancel(), timeout);
        var buffer = ArrayPool<byte>.Shared.Rent(HandshakeRequest.MaxHeadBytes);
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

                var length = socket.Receive(buffer, 0, HandshakeRequest.MaxHeadBytes, SocketFlags.Peek, out var error);
                if (error != SocketError.Success || length == 0)
                {
                    return (SortResult.Closed, null);
                }

                var head = new ReadOnlySequence<byte>(buffer, 0, length);
                long scanned = 0;
                switch (HandshakeRequest.TryParse(head, ref scanned, out var request, out var headEnd))
                {
                    case HandshakeRequest.ParseStatus.WebSocket
                        when runtime.Current.TryMatchWebSocket(request!.Path, out _, out _) && lifecycle.TakesHandshakes:
                        return (Consume(socket, buffer, (int)head.Slice(0, headEnd).Length) ? SortResult.Taken : SortResult.Closed, request);
                    case HandshakeRequest.ParseStatus.NeedMoreData:
                        continue;
                    default:
                        return (SortResult.ForKestrel, null);
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
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
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
