using Switchboard.Authorizers;
using Switchboard.Connections;
using Switchboard.Definition;
using Switchboard.Operations;

namespace Switchboard.Tests.Authorizers;

/// <summary>Handshakes to hand an authorizer directly, for tests of one authorizer without a server.</summary>
internal static class AuthorizerRequests
{
    /// <summary>A handshake to stage <c>dev</c> with <paramref name="headers"/> (name, value) and a raw query string (without <c>?</c>).</summary>
    public static AuthorizerRequest Handshake(string query = "", params (string Name, string Value)[] headers)
    {
        var context = new ConnectContext
        {
            Path = "/dev",
            RawQuery = query,
            HasQuery = query.Length > 0,
            Headers = [new("Host", "127.0.0.1"), .. headers.Select(static h => KeyValuePair.Create(h.Name, h.Value))],
            SourceIp = "127.0.0.1",
        };
        var limits = new LimitsDefinition();
        var connection = new WebSocketConnection(
            "AAAAAAAAAAAAAAAA", "api", "dev", "127.0.0.1", null, ConnectionSettings.From(limits), new GatewayMetrics(), TimeProvider.System, new MessageAssemblyBudget(limits.MessageAssemblyBudgetBytes));
        return new AuthorizerRequest(context, connection, new Dictionary<string, string>());
    }

    /// <summary>A handshake with <c>Authorization: Bearer TOKEN</c>.</summary>
    public static AuthorizerRequest Bearer(string token) => Handshake("", ("Authorization", "Bearer " + token));
}
