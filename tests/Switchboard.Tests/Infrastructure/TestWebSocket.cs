using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// A connected client with the helpers tests need; every wait has a timeout. Reading starts at the first receive
/// call (a pump moves frames into a queue), so a timed-out wait never aborts the socket, and a client that should
/// not read simply is not asked to.
/// </summary>
public sealed class TestWebSocket(ClientWebSocket socket) : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly Channel<ReceivedMessage> _received = Channel.CreateUnbounded<ReceivedMessage>();
    private Task? _pump;

    public ClientWebSocket Socket { get; } = socket;

    public Task SendTextAsync(string text) =>
        Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(DefaultTimeout);

    public Task SendBinaryAsync(byte[] data) =>
        Socket.SendAsync(data, WebSocketMessageType.Binary, true, CancellationToken.None).WaitAsync(DefaultTimeout);

    /// <summary>The next message (text or binary) or the close; throws <see cref="TimeoutException"/> when none comes in time.</summary>
    public async Task<ReceivedMessage> ReceiveAsync(TimeSpan? timeout = null)
    {
        _pump ??= Task.Run(PumpAsync);
        using var cancel = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            return await _received.Reader.ReadAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no message within the timeout");
        }
        catch (ChannelClosedException)
        {
            throw new WebSocketException("the connection ended without a close frame");
        }
    }

    public async Task<string> ReceiveTextAsync(TimeSpan? timeout = null)
    {
        var message = await ReceiveAsync(timeout);
        Assert.True(message.Type == WebSocketMessageType.Text, $"expected a text message, got {message.Type} {message.CloseStatus}");
        return message.Text;
    }

    /// <summary>Skips messages until the server's close arrives and returns its code.</summary>
    public async Task<int?> ReceiveCloseAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var message = await ReceiveAsync(timeout);
            if (message.Type == WebSocketMessageType.Close)
            {
                return message.CloseStatus;
            }
        }
    }

    /// <summary>Asserts nothing arrives for <paramref name="quiet"/>.</summary>
    public async Task AssertNothingReceivedAsync(TimeSpan quiet)
    {
        try
        {
            var message = await ReceiveAsync(quiet);
            Assert.Fail($"expected no message but got {message.Type}: {message.Text}");
        }
        catch (TimeoutException)
        {
        }
    }

    private async Task PumpAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await Socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _received.Writer.TryWrite(new ReceivedMessage(WebSocketMessageType.Close, "", [], (int?)result.CloseStatus, result.CloseStatusDescription));
                    break;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    var bytes = message.ToArray();
                    message.SetLength(0);
                    _received.Writer.TryWrite(new ReceivedMessage(result.MessageType, Encoding.UTF8.GetString(bytes), bytes, null, null));
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Socket.State == WebSocketState.Open)
        {
            try
            {
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cancel.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }

        Socket.Abort();
        Socket.Dispose();
        if (_pump is not null)
        {
            await _pump.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }
}

/// <summary>One received message or close.</summary>
public sealed record ReceivedMessage(WebSocketMessageType Type, string Text, byte[] Bytes, int? CloseStatus, string? CloseDescription);
