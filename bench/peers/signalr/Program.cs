// An ASP.NET Core SignalR hub as a typical developer writes one, speaking the seed's protocol over SignalR:
// the client invokes OnMessage(message, key) on /hub; when key is "1234" the hub sends "message" with the
// text to every other client (Clients.Others). JSON hub protocol. Used as a peer by bench/run.sh.
// Run: dotnet signalr-peer.dll --urls http://127.0.0.1:8083
using Microsoft.AspNetCore.SignalR;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddConsole();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);

builder.Services.AddSignalR();

var app = builder.Build();
app.MapHub<BroadcastHub>("/hub");
app.MapGet("/", () => "ok");
app.Run();

public sealed class BroadcastHub : Hub
{
    public Task OnMessage(string message, string key)
    {
        if (key != "1234")
        {
            return Task.CompletedTask;
        }

        return Clients.Others.SendAsync("message", message);
    }
}
