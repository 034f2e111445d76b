using System.Text;
using Switchboard.Definition;
using Switchboard.Registry;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>The outbound byte bound counts whole frames, yet never refuses the largest allowed message to an idle client.</summary>
public sealed class QueueBoundTests
{
    [Fact]
    public async Task LargestAllowedMessage_ReachesAClientWhoseByteBoundEqualsTheMessageLimit()
    {
        const int Limit = 4096;
        var definition = SeedDefinition.Create() with
        {
            Limits = new LimitsDefinition { MaxMessageBytes = Limit, OutboundQueueBytes = Limit },
        };
        await using var server = await GatewayServer.StartAsync(definition);
        await using var client = await server.ConnectAsync();
        var id = (await server.Registry.ListAsync(new ConnectionQuery())).Single().ConnectionId;

        var body = new string('x', Limit);
        using var response = await server.Http.PostAsync($"/dev/@connections/{id}", new StringContent(body, Encoding.UTF8));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(body, await client.ReceiveTextAsync());
    }
}
