using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>Many senders at once: each broadcast reaches every other connection exactly once, each sender's in order.</summary>
public sealed class BroadcastFanOutTests
{
    [Fact]
    public async Task ConcurrentSenders_EveryOtherClientGetsEveryMessageOnce_InEachSendersOrder()
    {
        const int Clients = 8;
        const int PerSender = 25;
        await using var server = await GatewayServer.StartAsync();
        var clients = new List<TestWebSocket>();
        try
        {
            for (var i = 0; i < Clients; i++)
            {
                clients.Add(await server.ConnectAsync());
            }

            await Task.WhenAll(clients.Select((client, sender) => Task.Run(async () =>
            {
                for (var n = 0; n < PerSender; n++)
                {
                    await client.SendTextAsync(SeedMessages.OnMessage($"{sender}:{n}"));
                }
            })));

            for (var receiver = 0; receiver < Clients; receiver++)
            {
                var next = new int[Clients];
                for (var m = 0; m < (Clients - 1) * PerSender; m++)
                {
                    var parts = (await clients[receiver].ReceiveTextAsync()).Split(':');
                    var sender = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
                    Assert.NotEqual(receiver, sender);
                    Assert.Equal(next[sender]++, int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
                }

                await clients[receiver].AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(100));
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task RestAndWebSocketBroadcasts_Interleave_WithoutLoss()
    {
        await using var server = await GatewayServer.StartAsync();
        var key = await server.CreateKeyAsync("fan-out");
        await using var sender = await server.ConnectAsync();
        await using var receiver = await server.ConnectAsync();

        var rest = Task.Run(async () =>
        {
            for (var n = 1; n <= 20; n++)
            {
                using var response = await server.SendAsync(HttpMethod.Get, $"/dev/receiver?progId={n}", key);
                Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            }
        });
        for (var n = 0; n < 20; n++)
        {
            await sender.SendTextAsync(SeedMessages.OnMessage($"ws{n}"));
        }

        await rest;
        var fromRest = new List<string>();
        var fromSocket = new List<string>();
        for (var m = 0; m < 40; m++)
        {
            var text = await receiver.ReceiveTextAsync();
            (text.StartsWith("ws", StringComparison.Ordinal) ? fromSocket : fromRest).Add(text);
        }

        Assert.Equal(Enumerable.Range(0, 20).Select(n => $"ws{n}"), fromSocket);
        Assert.Equal(Enumerable.Range(1, 20).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)), fromRest);

        // The sender got the REST broadcasts (recipients: every connection) but not its own.
        for (var n = 1; n <= 20; n++)
        {
            Assert.Equal(n.ToString(System.Globalization.CultureInfo.InvariantCulture), await sender.ReceiveTextAsync());
        }

        await sender.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task ClientWhoseHandshakeJustCompleted_GetsTheNextBroadcast()
    {
        // Once a client holds its 101 it is connected: a broadcast that starts after that must reach it. Repeated
        // because a gap between the 101 and the connection becoming reachable is a race, lost only now and then.
        await using var server = await GatewayServer.StartAsync();
        await using var sender = await server.ConnectAsync();

        for (var attempt = 0; attempt < 1000; attempt++)
        {
            await using var newcomer = await server.ConnectAsync();
            await sender.SendTextAsync(SeedMessages.OnMessage($"hello {attempt}"));

            // The previous attempt's broadcast may still be on its way to the other clients when this one connects
            // (the first recipient can answer before the fan-out has finished): that one may or may not arrive first.
            string? message;
            do
            {
                message = await newcomer.ReceiveAsync(TimeSpan.FromSeconds(5)).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result.Text : null, TaskScheduler.Default);
            }
            while (message == $"hello {attempt - 1}");

            Assert.True(message == $"hello {attempt}", $"attempt {attempt}: a client connected before the broadcast got {message ?? "nothing"}");
        }
    }

    [Fact]
    public async Task PostToAConnectionWhoseHandshakeJustCompleted_IsDelivered()
    {
        await using var server = await GatewayServer.StartAsync();

        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var (client, id) = await server.ConnectWithIdAsync();
            await using var _ = client;

            using var response = await server.SendAsync(HttpMethod.Post, $"/dev/@connections/{id}", body: System.Text.Encoding.UTF8.GetBytes($"post {attempt}"));

            Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, $"attempt {attempt}: POST right after the handshake answered {(int)response.StatusCode}");
            Assert.Equal($"post {attempt}", await client.ReceiveTextAsync());
        }
    }
}
