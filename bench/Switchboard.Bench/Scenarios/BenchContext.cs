using Switchboard.Bench.Cli;
using Switchboard.Bench.Client;
using Switchboard.Bench.Results;

namespace Switchboard.Bench.Scenarios;

/// <summary>What every scenario needs: the options, the resolved endpoints, the protocol, and a way to start a result.</summary>
internal sealed class BenchContext
{
    private BenchContext(BenchOptions options, WsEndpoint webSocket, WsEndpoint rest, IBenchProtocol protocol, CancellationToken cancellation)
    {
        Options = options;
        WebSocket = webSocket;
        Rest = rest;
        Protocol = protocol;
        Cancellation = cancellation;
        Stage = options.Url.AbsolutePath.Trim('/').Split('/')[0];
    }

    public BenchOptions Options { get; }

    public WsEndpoint WebSocket { get; }

    /// <summary>The REST and management API's host (path ignored).</summary>
    public WsEndpoint Rest { get; }

    public IBenchProtocol Protocol { get; }

    /// <summary>The first segment of the WebSocket URL's path: the stage the REST receiver and @connections address.</summary>
    public string Stage { get; }

    public CancellationToken Cancellation { get; }

    public static async Task<BenchContext> CreateAsync(BenchOptions options, CancellationToken cancellation)
    {
        var webSocket = await WsEndpoint.ResolveAsync(options.Url);
        var restUri = options.RestUrl ?? new UriBuilder("http", options.Url.Host, options.Url.Port).Uri;
        var rest = await WsEndpoint.ResolveAsync(restUri);
        return new BenchContext(options, webSocket, rest, IBenchProtocol.For(options), cancellation);
    }

    public RunResult NewResult(string scenario) => new(scenario, Options.Target, Protocol.Name);
}
