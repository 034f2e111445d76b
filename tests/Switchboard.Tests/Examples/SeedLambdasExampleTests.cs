using System.Net;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Processes;

namespace Switchboard.Tests.Examples;

/// <summary>
/// The seed's own Lambda code, unchanged, behind <c>lambda</c> integrations (examples/seed-lambdas): the seed's wscat
/// and curl walk-through against the real <c>switchboard</c> executable and the real function runner, with the
/// connection table in a local DynamoDB.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class SeedLambdasExampleTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task SeedWalkThrough_WorksWithTheSeedsLambdaCodeUnchanged()
    {
        using var dataDir = new TempDirectory();

        // The functions sign their @connections calls with a credential made by the CLI, as the example's README does.
        var created = await Processes.Cli.RunAsync(["credentials", "create", "--name", "seed-lambdas", "--data-dir", dataDir.Path]);
        Assert.True(created.ExitCode == 0, created.ToString());
        var credential = created.StdoutLines.Select(static l => l.Split('=', 2)).ToDictionary(static p => p[0], static p => p[1]);
        await using var runner = await SeedLambdaRunner.StartAsync(credential);
        var config = Path.Combine(dataDir.Path, "switchboard.json");
        var definition = await File.ReadAllTextAsync(Path.Combine(SeedLambdaRunner.Folder, "switchboard.json"));
        await File.WriteAllTextAsync(config, definition.Replace("http://127.0.0.1:9001", runner.RunnerUrl, StringComparison.Ordinal));

        await using var gateway = await GatewayProcess.StartAsync(ProcessTestKit.ServeArgs(dataDir.Path, "--config", config));
        // On the example's own plan, as its README creates it: a key on a plan the served definition lacks gets 403.
        var key = (await Processes.Cli.RunAsync(["keys", "create", "--name", "demo", "--config", config, "--data-dir", dataDir.Path])).Stdout.Trim();

        // $connect: saveClientConnection puts each connection in the table before the 101.
        await using var first = await gateway.ConnectAsync("dev");
        var firstId = Assert.Single(await runner.ScanConnectionIdsAsync());
        await using var second = await gateway.ConnectAsync("dev");
        var ids = await runner.ScanConnectionIdsAsync();
        Assert.Equal(2, ids.Count);
        var secondId = Assert.Single(ids, id => id != firstId);

        // onMessage with the secret: broadcastMessage posts the text to every other connection through @connections,
        // at domainName + '/' + stage, which is this gateway's callback URL.
        await first.SendTextAsync("{\"action\":\"onMessage\",\"message\":\"hello\",\"key\":\"1234\"}");
        Assert.Equal("hello", await second.ReceiveTextAsync());
        await first.AssertNothingReceivedAsync(Quiet);

        // A wrong key: the function answers 403, which a one-way route does not relay; nobody gets anything.
        await first.SendTextAsync("{\"action\":\"onMessage\",\"message\":\"nope\",\"key\":\"9999\"}");
        await second.AssertNothingReceivedAsync(Quiet);
        await first.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(200));

        // The REST receiver: the seed's mapping template turns the query string into broadcastAPIMessage's event.
        var authority = gateway.BaseAddress.Authority;
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/dev/receiver?progId=007&domain={authority}&stage=dev"))
        {
            request.Headers.Add("x-api-key", key);
            using var response = await gateway.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("{\"statusCode\":200}", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal("7", await first.ReceiveTextAsync());
        Assert.Equal("7", await second.ReceiveTextAsync());

        using (var unkeyed = await gateway.Http.GetAsync($"/dev/receiver?progId=5&domain={authority}&stage=dev"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, unkeyed.StatusCode);
        }

        // $disconnect: deleteClientConnection removes the row.
        await second.DisposeAsync();
        await ProcessTestKit.PollAsync(runner.ScanConnectionIdsAsync, rows => !rows.Contains(secondId), TimeSpan.FromSeconds(15), "the disconnected row's removal");
        Assert.Equal([firstId], await runner.ScanConnectionIdsAsync());
    }
}
