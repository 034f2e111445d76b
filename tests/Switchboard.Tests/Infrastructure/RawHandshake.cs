using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// A WebSocket handshake written by hand over a raw TCP socket, for heads no client library would send. The answer's
/// status and body (a chunked body joined as it came); the socket stays open for the caller (a 101 is a live connection).
/// </summary>
public static class RawHandshake
{
    public const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    /// <summary>Sends <c>GET path</c> with <paramref name="headerLines"/> (each ending in CRLF; include <c>Host</c> when wanted) and the upgrade headers.</summary>
    public static async Task<(int Status, string Body, TcpClient Tcp)> SendAsync(Uri server, string path, string headerLines)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port).WaitAsync(TestWebSocket.DefaultTimeout);
        var stream = tcp.GetStream();
        var head = $"GET {path} HTTP/1.1\r\n{headerLines}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {Key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.Latin1.GetBytes(head)).AsTask().WaitAsync(TestWebSocket.DefaultTimeout);

        var received = new StringBuilder();
        var buffer = new byte[8192];
        while (true)
        {
            var text = received.ToString();
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var status = int.Parse(text.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                var headLines = text[..end].Split("\r\n");
                var lengthLine = headLines.FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                var length = lengthLine is null ? 0 : int.Parse(lengthLine.Split(':')[1].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                var chunked = headLines.Any(l => l.Equals("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase));
                if (status == 101 || (chunked ? text.EndsWith("0\r\n\r\n", StringComparison.Ordinal) : text.Length - end - 4 >= length))
                {
                    return (status, text[(end + 4)..], tcp);
                }
            }

            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TestWebSocket.DefaultTimeout);
            if (read == 0)
            {
                tcp.Dispose();
                throw new IOException($"the server closed the connection without a whole answer after: {text}");
            }

            received.Append(Encoding.Latin1.GetString(buffer, 0, read));
        }
    }
}
