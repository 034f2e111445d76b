using Microsoft.Extensions.Logging;
using Switchboard.Authorizers;
using Switchboard.Definition;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Authorizers;

/// <summary>
/// A <c>jwt</c> authorizer with a <c>jwksUrl</c>, served by a real HTTP server: fetched at start, refreshed after ten
/// minutes and on an unknown <c>kid</c> at most once a minute (on the gateway's clock), and a provider that cannot be
/// reached at start only refuses tokens until it can.
/// </summary>
public sealed class JwksUrlTests
{
    private const string JwksPath = "/.well-known/jwks.json";

    private static readonly HttpClient Http = new();

    private readonly TestClock _clock = new();

    [Fact]
    public async Task KeysFetchedAtStart_AdmitATokenAtOnce()
    {
        await using var provider = await BackendServer.StartAsync();
        using var key = TestSigningKey.Rs256("k1");
        provider.Handle(JwksPath, BackendReply.Json(TestJwts.Jwks(key)));

        var authorizer = Create(provider);

        Assert.True((await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(key.Sign(TestJwts.Claims(_clock))), CancellationToken.None)).IsAllowed);
        var fetch = Assert.Single(provider.RequestsTo(JwksPath));
        Assert.Equal("GET", fetch.Method);
    }

    [Fact]
    public async Task UnknownKid_FetchesAgain_AtMostOnceAMinute()
    {
        await using var provider = await BackendServer.StartAsync();
        using var old = TestSigningKey.Rs256("old");
        using var rotated = TestSigningKey.Es256("rotated");
        using var later = TestSigningKey.Rs256("later");
        provider.Handle(JwksPath, BackendReply.Json(TestJwts.Jwks(old)));
        var authorizer = Create(provider);
        Assert.True((await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(old.Sign(TestJwts.Claims(_clock))), CancellationToken.None)).IsAllowed);

        // The provider rotates; within a minute of the last fetch, an unknown kid is refused without another.
        provider.Handle(JwksPath, BackendReply.Json(TestJwts.Jwks(old, rotated)));
        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Same(AuthorizerDecision.Unauthorized, await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(rotated.Sign(TestJwts.Claims(_clock))), CancellationToken.None));
        Assert.Single(provider.RequestsTo(JwksPath));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(rotated.Sign(TestJwts.Claims(_clock))), CancellationToken.None)).IsAllowed);
        Assert.Equal(2, provider.RequestsTo(JwksPath).Count);

        // Made-up kids cannot make it fetch again for the next minute.
        provider.Handle(JwksPath, BackendReply.Json(TestJwts.Jwks(old, rotated, later)));
        Assert.Same(AuthorizerDecision.Unauthorized, await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(later.Sign(TestJwts.Claims(_clock))), CancellationToken.None));
        Assert.Equal(2, provider.RequestsTo(JwksPath).Count);
    }

    [Fact]
    public async Task AfterTenMinutes_AHandshakeRefreshesTheKeys_AndARemovedKeyIsRefused()
    {
        await using var provider = await BackendServer.StartAsync();
        using var first = TestSigningKey.Rs256("first");
        using var second = TestSigningKey.Es256("second");
        provider.Handle(JwksPath, BackendReply.Json(TestJwts.Jwks(first)));
        var authorizer = Create(provider);
        Assert.True((await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(first.Sign(TestJwts.Claims(_clock))), CancellationToken.None)).IsAllowed);

        provider.Handle(JwksPath, BackendReply.Json(TestJwts.Jwks(second)));
        _clock.Advance(RemoteJwks.RefreshInterval);

        // This handshake goes on with the keys it has and starts the refresh; the next waits for it (second's kid is new).
        Assert.True((await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(first.Sign(TestJwts.Claims(_clock))), CancellationToken.None)).IsAllowed);
        Assert.True((await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(second.Sign(TestJwts.Claims(_clock))), CancellationToken.None)).IsAllowed);
        Assert.Equal(2, provider.RequestsTo(JwksPath).Count);

        Assert.Same(AuthorizerDecision.Unauthorized, await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(first.Sign(TestJwts.Claims(_clock))), CancellationToken.None));
    }

    [Fact]
    public async Task ProviderFailingAtStart_RefusesTokens_LogsOneWarning_AndAdmitsOnceAFetchSucceeds()
    {
        await using var provider = await BackendServer.StartAsync();
        using var key = TestSigningKey.Rs256("k1");
        provider.Handle(JwksPath, BackendReply.Raw(503, "down"));
        var logs = new CapturedLogs();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));

        var authorizer = Create(provider, loggers);
        var token = key.Sign(TestJwts.Claims(_clock, lifetime: TimeSpan.FromHours(1)));
        Assert.Same(AuthorizerDecision.Unauthorized, await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(token), CancellationToken.None));

        _clock.Advance(RemoteJwks.MinimumFetchGap);
        Assert.Same(AuthorizerDecision.Unauthorized, await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(token), CancellationToken.None));
        Assert.Equal(2, provider.RequestsTo(JwksPath).Count);

        provider.Handle(JwksPath, BackendReply.Json(TestJwts.Jwks(key)));
        _clock.Advance(RemoteJwks.MinimumFetchGap);
        Assert.True((await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(token), CancellationToken.None)).IsAllowed);

        var warning = Assert.Single(logs.Records, r => r.Level == LogLevel.Warning);
        Assert.Contains("HTTP 503", warning.Message, StringComparison.Ordinal);
        Assert.Equal(1, logs.Count(nameof(RemoteJwks), 801));
        Assert.Equal(1, logs.Count(nameof(RemoteJwks), 802));
        Assert.DoesNotContain(logs.Records, r => r.Message.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProviderNotListening_DoesNotFailTheStart()
    {
        var authorizer = JwtAuthorizer.Create(
            new AuthorizerDefinition { Type = "jwt", Issuer = TestJwts.Issuer, Audiences = [TestJwts.Audience], JwksUrl = BackendServer.ClosedEndpoint() + JwksPath },
            _ => null,
            Http,
            _clock,
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        using var key = TestSigningKey.Rs256("k1");

        Assert.Same(AuthorizerDecision.Unauthorized, await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(key.Sign(TestJwts.Claims(_clock))), CancellationToken.None));
    }

    private JwtAuthorizer Create(BackendServer provider, ILoggerFactory? loggers = null) => JwtAuthorizer.Create(
        new AuthorizerDefinition { Type = "jwt", Issuer = TestJwts.Issuer, Audiences = [TestJwts.Audience], JwksUrl = provider.Url(JwksPath) },
        _ => null,
        Http,
        _clock,
        loggers ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
}
