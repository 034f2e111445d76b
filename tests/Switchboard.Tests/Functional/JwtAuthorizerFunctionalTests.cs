using System.Net.WebSockets;
using Switchboard.Definition;
using Switchboard.Tests.Authorizers;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>
/// The <c>jwt</c> authorizer in a real gateway with real clients: a bearer token (or, for browsers, a query parameter)
/// opens the connection and its <c>sub</c> and claims ride on later events; no token, or one the gateway's clock says
/// has expired, is a 401 handshake. Keys from the environment's secret, or from a JWKS a real HTTP server serves.
/// </summary>
public sealed class JwtAuthorizerFunctionalTests
{
    [Fact]
    public async Task SecretToken_Connects_WithSubAndClaimsOnEvents_WhileNoTokenOrAnExpiredOneIs401()
    {
        await using var backend = await BackendServer.StartAsync();
        backend.Handle("msg", BackendReply.Proxy(200));
        var clock = new TestClock();
        await using var server = await GatewayServer.StartAsync(
            Definition(backend, new AuthorizerDefinition { SecretEnv = TestJwts.SecretVariable, QueryParameter = "access_token" }),
            environment: Environment(),
            time: clock);
        var claims = TestJwts.Claims(clock, subject: "user-7", lifetime: TimeSpan.FromMinutes(5));
        claims["email"] = "user7@example.com";
        var token = TestJwts.Sign(claims, TestJwts.Hs256());

        await using (var client = await ConnectAsync(server, options => options.SetRequestHeader("Authorization", "Bearer " + token)))
        {
            await client.SendTextAsync("{\"action\":\"hello\"}");
            var authorizer = (await backend.WaitForSingleAsync("msg")).Event.GetProperty("requestContext").GetProperty("authorizer");
            Assert.Equal("user-7", authorizer.GetProperty("principalId").GetString());
            Assert.Equal("user7@example.com", authorizer.GetProperty("email").GetString());
        }

        await using (var byQuery = await ConnectAsync(server, query: "?access_token=" + token))
        {
            Assert.Equal(WebSocketState.Open, byQuery.Socket.State);
        }

        Assert.Equal(401, await BackendTestKit.RefusedStatusAsync(server));
        Assert.Equal(401, await BackendTestKit.RefusedStatusAsync(server, configure: o => o.SetRequestHeader("Authorization", "Bearer " + TestJwts.Unsigned(claims))));

        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(401, await BackendTestKit.RefusedStatusAsync(server, configure: o => o.SetRequestHeader("Authorization", "Bearer " + token)));
        Assert.Equal(401, await BackendTestKit.RefusedStatusAsync(server, "?access_token=" + token));
    }

    [Fact]
    public async Task JwksUrl_ServedOverHttp_AdmitsItsKeys_AndRefusesAnUnknownKidWith401()
    {
        await using var backend = await BackendServer.StartAsync();
        using var rsa = TestSigningKey.Rs256("rsa-1");
        using var ec = TestSigningKey.Es256("ec-1");
        using var stranger = TestSigningKey.Rs256("stranger");
        backend.Handle("/jwks.json", BackendReply.Json(TestJwts.Jwks(rsa, ec)));
        await using var server = await GatewayServer.StartAsync(
            Definition(backend, new AuthorizerDefinition { JwksUrl = backend.Url("/jwks.json") }),
            environment: Environment());
        var claims = TestJwts.Claims(TimeProvider.System);

        await using (var byRsa = await ConnectAsync(server, options => options.SetRequestHeader("Authorization", "Bearer " + rsa.Sign(claims))))
        await using (var byEc = await ConnectAsync(server, options => options.SetRequestHeader("Authorization", "Bearer " + ec.Sign(claims))))
        {
            Assert.Equal(WebSocketState.Open, byRsa.Socket.State);
            Assert.Equal(WebSocketState.Open, byEc.Socket.State);
        }

        Assert.Equal(401, await BackendTestKit.RefusedStatusAsync(server, configure: o => o.SetRequestHeader("Authorization", "Bearer " + stranger.Sign(claims))));
        Assert.Single(backend.RequestsTo("/jwks.json"));
    }

    [Fact]
    public async Task SecretNotSet_TheServerDoesNotStart_AndSaysWhich()
    {
        await using var backend = await BackendServer.StartAsync();
        var environment = Environment();
        environment.Remove(TestJwts.SecretVariable);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => GatewayServer.StartAsync(
            Definition(backend, new AuthorizerDefinition { SecretEnv = TestJwts.SecretVariable }),
            environment: environment));

        Assert.Contains("secretEnv names JWT_SECRET, which is not set", error.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Environment() => new()
    {
        [TestJwts.SecretVariable] = TestJwts.Secret,
        ["SWITCHBOARD_ACCESS_KEY_ID"] = ManagementSigning.AccessKeyId,
        ["SWITCHBOARD_SECRET_ACCESS_KEY"] = ManagementSigning.SecretAccessKey,
    };

    /// <summary>One WebSocket API whose messages invoke function <c>msg</c>, with a jwt authorizer for the test's issuer and audience.</summary>
    private static GatewayDefinition Definition(BackendServer backend, AuthorizerDefinition keys)
    {
        var definition = BackendDefinitions.WebSocket(new Dictionary<string, RouteDefinition>
        {
            ["$default"] = BackendDefinitions.Route(BackendDefinitions.Lambda(backend, "msg")),
        });
        var authorizer = keys with { Type = "jwt", Issuer = TestJwts.Issuer, Audiences = [TestJwts.Audience] };
        return definition with { WebSocketApis = [definition.WebSocketApis[0] with { Authorizer = authorizer }] };
    }

    private static async Task<TestWebSocket> ConnectAsync(GatewayServer server, Action<ClientWebSocketOptions>? configure = null, string query = "")
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        configure?.Invoke(socket.Options);
        try
        {
            await socket.ConnectAsync(new Uri(server.WebSocketUri() + query), CancellationToken.None).WaitAsync(TestWebSocket.DefaultTimeout);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new TestWebSocket(socket);
    }
}
