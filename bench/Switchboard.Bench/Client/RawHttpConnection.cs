using System.Buffers.Text;
using System.Net.Sockets;
using System.Text;

namespace Switchboard.Bench.Client;

/// <summary>
/// One HTTP/1.1 keep-alive connection on a raw socket, for request rates HttpClient would spend a core on: the caller
/// sends complete request bytes, and the answer's status and body (Content-Length or chunked) are parsed in place. The
/// body is valid until the next request. Reconnects when the server closes the connection.
/// </summary>
internal sealed class RawHttpConnection(WsEndpoint endpoint) : IDisposable
{
    private const int MaxBody = 1024 * 1024;

    private byte[] _buffer = new byte[8192];
    private byte[] _body = new byte[1024];
    private int _start;
    private int _end;
    private Socket? _socket;

    public int BodyLength { get; private set; }

    public ReadOnlySpan<byte> Body => _body.AsSpan(0, BodyLength);

    /// <summary>Sends one request and returns the answer's status code; the body is in <see cref="Body"/>.</summary>
    public async ValueTask<int> SendAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        if (_socket is null)
        {
            _socket = new Socket(endpoint.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await _socket.ConnectAsync(endpoint.EndPoint, cancellationToken);
            _start = _end = 0;
        }

        try
        {
            while (request.Length > 0)
            {
                var sent = await _socket.SendAsync(request, SocketFlags.None, cancellationToken);
                request = request[sent..];
            }

            while (true)
            {
                var parsed = TryParseResponse(out var status, out var close);
                if (parsed)
                {
                    if (close)
                    {
                        Disconnect();
                    }

                    return status;
                }

                if (_start > 0)
                {
                    _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                    _end -= _start;
                    _start = 0;
                }

                if (_end == _buffer.Length)
                {
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }

                var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    throw new IOException("the server closed the HTTP connection before answering");
                }

                _end += read;
            }
        }
        catch
        {
            Disconnect();
            throw;
        }
    }

    public void Dispose() => Disconnect();

    private void Disconnect()
    {
        _socket?.Dispose();
        _socket = null;
    }

    /// <summary>Parses one complete response from the buffer, consuming it; false when more bytes are needed.</summary>
    private bool TryParseResponse(out int status, out bool close)
    {
        status = 0;
        close = false;
        ReadOnlySpan<byte> data = _buffer.AsSpan(_start, _end - _start);
        var headEnd = data.IndexOf("\r\n\r\n"u8);
        if (headEnd < 0)
        {
            return false;
        }

        // "HTTP/1.1 200 OK"
        if (headEnd < 12 || !Utf8Parser.TryParse(data.Slice(9, 3), out status, out _))
        {
            throw new InvalidDataException("malformed HTTP status line");
        }

        long contentLength = -1;
        var chunked = false;
        var headers = data[..headEnd];
        while (true)
        {
            var lineStart = headers.IndexOf("\r\n"u8);
            if (lineStart < 0)
            {
                break;
            }

            headers = headers[(lineStart + 2)..];
            var lineEnd = headers.IndexOf("\r\n"u8);
            var line = lineEnd < 0 ? headers : headers[..lineEnd];
            var colon = line.IndexOf((byte)':');
            if (colon > 0)
            {
                var name = line[..colon];
                var value = line[(colon + 1)..].Trim((byte)' ');
                if (Ascii.EqualsIgnoreCase(name, "content-length"u8))
                {
                    _ = Utf8Parser.TryParse(value, out contentLength, out _);
                }
                else if (Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
                {
                    chunked = value.IndexOf("chunked"u8) >= 0;
                }
                else if (Ascii.EqualsIgnoreCase(name, "connection"u8))
                {
                    close = Ascii.EqualsIgnoreCase(value, "close"u8);
                }
            }
        }

        var body = data[(headEnd + 4)..];
        int consumed;
        if (chunked)
        {
            if (!TryDecodeChunked(body, out consumed))
            {
                return false;
            }
        }
        else
        {
            var length = (int)Math.Max(0, contentLength);
            if (length > MaxBody)
            {
                throw new InvalidDataException($"HTTP body of {length} bytes");
            }

            if (body.Length < length)
            {
                return false;
            }

            SetBody(body[..length]);
            consumed = length;
        }

        _start += headEnd + 4 + consumed;
        if (_start == _end)
        {
            _start = _end = 0;
        }

        return true;
    }

    private bool TryDecodeChunked(ReadOnlySpan<byte> data, out int consumed)
    {
        consumed = 0;
        BodyLength = 0;
        while (true)
        {
            var lineEnd = data[consumed..].IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return false;
            }

            var sizeText = data.Slice(consumed, lineEnd);
            var semicolon = sizeText.IndexOf((byte)';');
            if (!Utf8Parser.TryParse(semicolon < 0 ? sizeText : sizeText[..semicolon], out int size, out _, 'X') || size < 0)
            {
                throw new InvalidDataException("malformed chunk size");
            }

            var chunkStart = consumed + lineEnd + 2;
            if (size == 0)
            {
                // No trailers from the servers measured here: the last chunk is followed by an empty line.
                if (data.Length < chunkStart + 2)
                {
                    return false;
                }

                consumed = chunkStart + 2;
                return true;
            }

            if (data.Length < chunkStart + size + 2)
            {
                return false;
            }

            AppendBody(data.Slice(chunkStart, size));
            consumed = chunkStart + size + 2;
        }
    }

    private void SetBody(ReadOnlySpan<byte> body)
    {
        BodyLength = 0;
        AppendBody(body);
    }

    private void AppendBody(ReadOnlySpan<byte> part)
    {
        if (BodyLength + part.Length > MaxBody)
        {
            throw new InvalidDataException("HTTP body over 1 MiB");
        }

        if (_body.Length < BodyLength + part.Length)
        {
            Array.Resize(ref _body, Math.Max(BodyLength + part.Length, _body.Length * 2));
        }

        part.CopyTo(_body.AsSpan(BodyLength));
        BodyLength += part.Length;
    }
}
