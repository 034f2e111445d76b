// A minimal ASP.NET Core WebSocket server written the way a typical developer writes one: a dictionary of
// sockets, a receive loop per socket, and a broadcast that awaits SendAsync to each other socket in turn.
// It speaks the seed's protocol on /dev: {"action":"onMessage","message":"TEXT","key":"1234"} sends TEXT to
// every other connected client. Used as a peer by bench/run.sh; not part of Switchboard.
// Run: dotnet aspnet-naive.dll --urls http://127.0.0.1:8082
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddConsole();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);

var app = builder.Build();
app.UseWebSockets();

var sockets = new ConcurrentDictionary<Guid, WebSocket>();

app.Map("/dev", async context =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }

    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    var id = Guid.NewGuid();
    sockets[id] = socket;
    try
    {
        await ReceiveLoop(id, socket);
    }
    catch (WebSocketException)
    {
    }
    catch (OperationCanceledException)
    {
    }
    finally
    {
        sockets.TryRemove(id, out _);
    }
});

app.MapGet("/", () => "ok");

app.Run();

async Task ReceiveLoop(Guid id, WebSocket socket)
{
    var buffer = new byte[4096];
    using var message = new MemoryStream();
    while (socket.State == WebSocketState.Open)
    {
        var result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer), CancellationToken.None);
        if (result.MessageType == WebSocketMessageType.Close)
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            return;
        }

        message.Write(buffer, 0, result.Count);
        if (!result.EndOfMessage)
        {
            continue;
        }

        var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
        message.SetLength(0);
        if (result.MessageType != WebSocketMessageType.Text)
        {
            continue;
        }

        IncomingMessage? incoming;
        try
        {
            incoming = JsonSerializer.Deserialize<IncomingMessage>(text);
        }
        catch (JsonException)
        {
            continue;
        }

        if (incoming is { action: "onMessage", key: "1234", message: not null })
        {
            await Broadcast(id, incoming.message);
        }
    }
}

async Task Broadcast(Guid from, string text)
{
    var bytes = Encoding.UTF8.GetBytes(text);
    foreach (var other in sockets)
    {
        if (other.Key == from || other.Value.State != WebSocketState.Open)
        {
            continue;
        }

        try
        {
            await other.Value.SendAsync(new ArraySegment<byte>(bytes), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        catch (Exception)
        {
            // The socket went away while we were sending; its own receive loop removes it.
        }
    }
}

record IncomingMessage(string? action, string? message, string? key);
