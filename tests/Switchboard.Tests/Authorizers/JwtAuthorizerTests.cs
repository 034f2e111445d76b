using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Authorizers;
using Switchboard.Definition;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Authorizers;

/// <summary>
/// The <c>jwt</c> authorizer on its own, with tokens signed in the test: what it admits (principal <c>sub</c>, the
/// scalar claims as context), and that every bad token is 401 on the gateway's clock.
/// </summary>
public sealed class JwtAuthorizerTests : IDisposable
{
    private static readonly HttpClient Http = new();

    private readonly TestClock _clock = new();
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task Hs256_ValidToken_AdmitsSubAsPrincipal_WithScalarClaimsAsStringsInTheContext()
    {
        var claims = TestJwts.Claims(_clock, subject: "user-42");
        claims["email"] = "a@example.com";
        claims["level"] = 3;
        claims["ratio"] = 1.5;
        claims["admin"] = true;
        claims["beta"] = false;
        claims["roles"] = new[] { "a", "b" };
        claims["address"] = new Dictionary<string, string> { ["city"] = "Paris" };
        claims["nothing"] = null;

        var decision = await Secret().AuthorizeAsync(AuthorizerRequests.Bearer(TestJwts.Sign(claims, TestJwts.Hs256())), CancellationToken.None);

        Assert.True(decision.IsAllowed);
        Assert.Equal("user-42", decision.Identity!.PrincipalId);
        var context = decision.Identity.Context.ToDictionary(static c => c.Key, static c => c.Value);
        Assert.Equal("a@example.com", context["email"]);
        Assert.Equal("3", context["level"]);
        Assert.Equal("1.5", context["ratio"]);
        Assert.Equal("true", context["admin"]);
        Assert.Equal("false", context["beta"]);
        Assert.Equal("user-42", context["sub"]);
        Assert.Equal(TestJwts.Issuer, context["iss"]);
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), context["iat"]);
        Assert.DoesNotContain("roles", context.Keys);
        Assert.DoesNotContain("address", context.Keys);
        Assert.DoesNotContain("nothing", context.Keys);
    }

    [Fact]
    public async Task NoSub_AdmitsWithAnEmptyPrincipal()
    {
        var claims = TestJwts.Claims(_clock);
        claims.Remove("sub");

        var decision = await Secret().AuthorizeAsync(AuthorizerRequests.Bearer(TestJwts.Sign(claims, TestJwts.Hs256())), CancellationToken.None);

        Assert.Equal("", decision.Identity?.PrincipalId);
    }

    [Fact]
    public async Task ContextKeepsTheFirstFiftyClaims()
    {
        var claims = TestJwts.Claims(_clock);
        for (var i = 0; i < 60; i++)
        {
            claims[$"c{i:00}"] = i;
        }

        var decision = await Secret().AuthorizeAsync(AuthorizerRequests.Bearer(TestJwts.Sign(claims, TestJwts.Hs256())), CancellationToken.None);

        Assert.Equal(JwtClaims.MaxContextValues, decision.Identity!.Context.Count);
        Assert.Equal("iss", decision.Identity.Context[0].Key);
    }

    [Theory]
    [InlineData("wrong-secret")]
    [InlineData("tampered")]
    [InlineData("wrong-issuer")]
    [InlineData("wrong-audience")]
    [InlineData("no-exp")]
    [InlineData("iat-in-the-future")]
    [InlineData("exp-not-a-number")]
    [InlineData("alg-none")]
    [InlineData("rs256-for-a-secret")]
    [InlineData("not-a-jwt")]
    public async Task BadToken_Is401(string kind)
    {
        using var rsa = TestSigningKey.Rs256("r1");
        var claims = TestJwts.Claims(_clock);
        var token = kind switch
        {
            "wrong-secret" => TestJwts.Sign(claims, TestJwts.Hs256("another-secret-that-is-long-enough-0123456789")),
            "tampered" => Tamper(TestJwts.Sign(claims, TestJwts.Hs256())),
            "wrong-issuer" => TestJwts.Sign(With(claims, "iss", "https://elsewhere.test"), TestJwts.Hs256()),
            "wrong-audience" => TestJwts.Sign(With(claims, "aud", "someone-else"), TestJwts.Hs256()),
            "no-exp" => TestJwts.Sign(With(claims, "exp", null), TestJwts.Hs256()),
            "iat-in-the-future" => TestJwts.Sign(With(claims, "iat", _clock.GetUtcNow().AddSeconds(61).ToUnixTimeSeconds()), TestJwts.Hs256()),
            "exp-not-a-number" => TestJwts.Sign(With(claims, "exp", "tomorrow"), TestJwts.Hs256()),
            "alg-none" => TestJwts.Unsigned(claims),
            "rs256-for-a-secret" => rsa.Sign(claims),
            _ => "not.a.jwt",
        };

        Assert.Same(AuthorizerDecision.Unauthorized, await Secret().AuthorizeAsync(AuthorizerRequests.Bearer(token), CancellationToken.None));
    }

    [Fact]
    public async Task Expiry_FollowsTheGatewaysClock_With60SecondsOfSkew()
    {
        var authorizer = Secret();
        var token = TestJwts.Sign(TestJwts.Claims(_clock, lifetime: TimeSpan.FromMinutes(5)), TestJwts.Hs256());
        Assert.True((await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(token), CancellationToken.None)).IsAllowed);

        _clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(59));
        Assert.True((await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(token), CancellationToken.None)).IsAllowed);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Same(AuthorizerDecision.Unauthorized, await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(token), CancellationToken.None));
    }

    [Fact]
    public async Task NotBefore_InTheFuture_Is401_UntilWithinTheSkew()
    {
        var authorizer = Secret();
        var token = TestJwts.Sign(With(TestJwts.Claims(_clock), "nbf", _clock.GetUtcNow().AddMinutes(2).ToUnixTimeSeconds()), TestJwts.Hs256());
        Assert.Same(AuthorizerDecision.Unauthorized, await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(token), CancellationToken.None));

        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Same(AuthorizerDecision.Unauthorized, await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(token), CancellationToken.None));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(token), CancellationToken.None)).IsAllowed);
    }

    [Fact]
    public async Task Audience_MayBeAnArray_OrClientIdWhenThereIsNoAud()
    {
        var authorizer = Secret();
        var inArray = With(TestJwts.Claims(_clock), "aud", new[] { "other", TestJwts.Audience });
        var clientIdOnly = With(With(TestJwts.Claims(_clock), "aud", null), "client_id", TestJwts.Audience);
        var clientIdBesideAWrongAud = With(With(TestJwts.Claims(_clock), "aud", "other"), "client_id", TestJwts.Audience);

        Assert.True((await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(TestJwts.Sign(inArray, TestJwts.Hs256())), CancellationToken.None)).IsAllowed);
        Assert.True((await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(TestJwts.Sign(clientIdOnly, TestJwts.Hs256())), CancellationToken.None)).IsAllowed);
        Assert.Same(
            AuthorizerDecision.Unauthorized,
            await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(TestJwts.Sign(clientIdBesideAWrongAud, TestJwts.Hs256())), CancellationToken.None));
    }

    [Fact]
    public async Task Token_IsReadFromTheHeader_BearerOrBare_OrFromTheQueryParameter_WhenOneIsNamed()
    {
        var token = TestJwts.Sign(TestJwts.Claims(_clock), TestJwts.Hs256());
        var headerOnly = Secret();
        var withQuery = Secret(queryParameter: "token");
        var customHeader = Secret(header: "X-Token");

        Assert.True((await headerOnly.AuthorizeAsync(AuthorizerRequests.Handshake("", ("authorization", "bEaReR " + token)), CancellationToken.None)).IsAllowed);
        Assert.True((await headerOnly.AuthorizeAsync(AuthorizerRequests.Handshake("", ("Authorization", token)), CancellationToken.None)).IsAllowed);
        Assert.True((await withQuery.AuthorizeAsync(AuthorizerRequests.Handshake("token=" + token), CancellationToken.None)).IsAllowed);
        Assert.True((await customHeader.AuthorizeAsync(AuthorizerRequests.Handshake("", ("X-Token", "Bearer " + token)), CancellationToken.None)).IsAllowed);

        Assert.Same(AuthorizerDecision.Unauthorized, await headerOnly.AuthorizeAsync(AuthorizerRequests.Handshake("token=" + token), CancellationToken.None));
        Assert.Same(AuthorizerDecision.Unauthorized, await customHeader.AuthorizeAsync(AuthorizerRequests.Bearer(token), CancellationToken.None));
        Assert.Same(AuthorizerDecision.Unauthorized, await withQuery.AuthorizeAsync(AuthorizerRequests.Handshake(""), CancellationToken.None));
        Assert.Same(AuthorizerDecision.Unauthorized, await withQuery.AuthorizeAsync(AuthorizerRequests.Handshake("", ("Authorization", "Bearer ")), CancellationToken.None));
    }

    [Fact]
    public async Task JwksFile_AdmitsRs256AndEs256_ByKid_OrAnyKeyWithoutOne_AndRefusesAnUnknownKidOrOtherAlgorithms()
    {
        using var rsa = TestSigningKey.Rs256("rsa-1");
        using var ec = TestSigningKey.Es256("ec-1");
        using var stranger = TestSigningKey.Rs256("rsa-2");
        var authorizer = JwksFile(TestJwts.Jwks(rsa, ec));
        var claims = TestJwts.Claims(_clock);

        Assert.True((await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(rsa.Sign(claims)), CancellationToken.None)).IsAllowed);
        Assert.True((await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(ec.Sign(claims)), CancellationToken.None)).IsAllowed);
        Assert.True((await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(ec.Sign(claims, withKeyId: false)), CancellationToken.None)).IsAllowed);

        Assert.Same(AuthorizerDecision.Unauthorized, await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(rsa.Sign(claims, algorithm: "RS512")), CancellationToken.None));
        Assert.Same(AuthorizerDecision.Unauthorized, await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(stranger.Sign(claims)), CancellationToken.None));
        Assert.Same(AuthorizerDecision.Unauthorized, await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(stranger.Sign(claims, withKeyId: false)), CancellationToken.None));
        Assert.Same(AuthorizerDecision.Unauthorized, await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(TestJwts.Sign(claims, TestJwts.Hs256())), CancellationToken.None));
        Assert.Same(AuthorizerDecision.Unauthorized, await authorizer.AuthorizeAsync(AuthorizerRequests.Bearer(TestJwts.Unsigned(claims)), CancellationToken.None));
    }

    [Theory]
    [InlineData("unset", "jwt authorizer: secretEnv names JWT_SECRET, which is not set or is empty; set it to the HS256 shared secret the tokens are signed with")]
    [InlineData("", "jwt authorizer: secretEnv names JWT_SECRET, which is not set or is empty; set it to the HS256 shared secret the tokens are signed with")]
    [InlineData("short", "jwt authorizer: JWT_SECRET holds a 5-byte secret; HS256 needs at least 32 bytes (RFC 7518 section 3.2), e.g. the output of 'openssl rand -base64 32'")]
    public void UnusableSecret_FailsAtStart(string value, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => JwtAuthorizer.Create(
            Definition() with { SecretEnv = TestJwts.SecretVariable },
            name => value == "unset" ? null : value,
            Http,
            _clock,
            NullLoggerFactory.Instance));
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData(null, "jwt authorizer: cannot read jwksFile {0}: Could not find file '{0}'.")]
    [InlineData("not json", "jwt authorizer: jwksFile {0}: not a JWKS: expected a JSON object with a \"keys\" array")]
    [InlineData("{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"},{\"kty\":\"RSA\",\"n\":\"!!\",\"e\":\"AQAB\"}]}", "jwt authorizer: jwksFile {0}: no usable keys among its 2: expected RSA (RS256) or P-256 EC (ES256) signing keys")]
    public void UnusableJwksFile_FailsAtStart(string? content, string message)
    {
        var path = Path.Combine(_directory.Path, "jwks.json");
        if (content is not null)
        {
            File.WriteAllText(path, content);
        }

        var error = Assert.Throws<InvalidOperationException>(() => JwtAuthorizer.Create(Definition() with { JwksFile = path }, _ => null, Http, _clock, NullLoggerFactory.Instance));
        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, message, path), error.Message);
    }

    public void Dispose() => _directory.Dispose();

    private static AuthorizerDefinition Definition() => new() { Type = "jwt", Issuer = TestJwts.Issuer, Audiences = [TestJwts.Audience] };

    private JwtAuthorizer Secret(string? queryParameter = null, string? header = null) => JwtAuthorizer.Create(
        Definition() with { SecretEnv = TestJwts.SecretVariable, QueryParameter = queryParameter, Header = header },
        name => name == TestJwts.SecretVariable ? TestJwts.Secret : null,
        Http,
        _clock,
        NullLoggerFactory.Instance);

    private JwtAuthorizer JwksFile(string jwks)
    {
        var path = Path.Combine(_directory.Path, "jwks.json");
        File.WriteAllText(path, jwks);
        return JwtAuthorizer.Create(Definition() with { JwksFile = path }, _ => null, Http, _clock, NullLoggerFactory.Instance);
    }

    private static Dictionary<string, object?> With(Dictionary<string, object?> claims, string name, object? value)
    {
        var changed = new Dictionary<string, object?>(claims);
        if (value is null)
        {
            changed.Remove(name);
        }
        else
        {
            changed[name] = value;
        }

        return changed;
    }

    // Puts another sub in the payload and keeps the signature, which no longer matches.
    private static string Tamper(string token)
    {
        var parts = token.Split('.');
        var payload = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(parts[1]).Replace("\"user-1\"", "\"admin\"", StringComparison.Ordinal);
        return $"{parts[0]}.{Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(payload)}.{parts[2]}";
    }
}
