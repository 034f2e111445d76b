using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Authentication;
using Switchboard.Cli;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Processes;

namespace Switchboard.Tests.Tls;

/// <summary>
/// <c>wss://</c>: a certificate given as PFX or PEM, TLS 1.2 and 1.3 only, the seed's flow over TLS, and the
/// <c>--certificate</c> options of the real executable.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class TlsTests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    [Fact]
    public async Task Wss_CarriesTheSeedsBroadcast()
    {
        await using var server = await GatewayServer.StartAsync(urls: "https://127.0.0.1:0", certificate: _certificates.Certificate);
        var port = server.BaseAddress.Port;
        Assert.Equal("https", server.BaseAddress.Scheme);

        await using var first = await ConnectAsync(port);
        await using var second = await ConnectAsync(port);
        await first.SendTextAsync(SeedMessages.OnMessage("over tls"));

        Assert.Equal("over tls", await second.ReceiveTextAsync());
    }

    [Fact]
    public async Task PlainWebSocketHandshake_OnTheTlsPort_IsNotServed()
    {
        // The raw-socket paths read handshakes before Kestrel's TLS would: on a TLS port they must leave the bytes to
        // it, or a client speaking plain ws:// to the wss:// port would get an unencrypted connection.
        await using var server = await GatewayServer.StartAsync(urls: "https://127.0.0.1:0", certificate: _certificates.Certificate);
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, server.BaseAddress.Port);
        var stream = tcp.GetStream();
        var head = $"GET /dev HTTP/1.1\r\nHost: 127.0.0.1:{server.BaseAddress.Port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));

        var answer = new MemoryStream();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TestWebSocket.DefaultTimeout);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                answer.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // Kestrel's TLS drops the connection: not a TLS client.
        }

        Assert.DoesNotContain("101 Switching Protocols", System.Text.Encoding.Latin1.GetString(answer.ToArray()));
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task Tls12And13_AreAccepted(SslProtocols protocol)
    {
        await using var server = await GatewayServer.StartAsync(urls: "https://127.0.0.1:0", certificate: _certificates.Certificate);
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, server.BaseAddress.Port);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, _, _) => _certificates.Trusts(certificate));

        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", EnabledSslProtocols = protocol })
            .WaitAsync(TestWebSocket.DefaultTimeout);

        Assert.Equal(protocol, tls.SslProtocol);
    }

    [Fact]
    public void PfxWithItsPassword_Loads()
    {
        var (certificate, problem) = CertificateOptions.LoadFile(_certificates.PfxPath, null, TestCertificates.Password);
        using var _ = certificate;

        Assert.Null(problem);
        Assert.True(certificate!.HasPrivateKey);
    }

    [Fact]
    public void PemWithASeparateKey_AndACombinedPem_Load()
    {
        var (separate, problem) = CertificateOptions.LoadFile(_certificates.CertificatePemPath, _certificates.KeyPemPath, null);
        using var _ = separate;
        var (combined, combinedProblem) = CertificateOptions.LoadFile(_certificates.CombinedPemPath, null, null);
        using var __ = combined;

        Assert.Null(problem);
        Assert.Null(combinedProblem);
        Assert.Equal(_certificates.Certificate.Thumbprint, separate!.Thumbprint);
        Assert.Equal(_certificates.Certificate.Thumbprint, combined!.Thumbprint);
    }

    [Fact]
    public void WrongPassword_MissingFile_AndMissingKey_AreOneLineProblems()
    {
        Assert.StartsWith($"--certificate {_certificates.PfxPath}: ", CertificateOptions.LoadFile(_certificates.PfxPath, null, "wrong").Problem);
        Assert.StartsWith("--certificate /nonexistent.pfx: ", CertificateOptions.LoadFile("/nonexistent.pfx", null, null).Problem);
        Assert.StartsWith($"--certificate {_certificates.CertificatePemPath}: ", CertificateOptions.LoadFile(_certificates.CertificatePemPath, null, null).Problem);
    }

    [Fact]
    public async Task Serve_WithCertificateOptions_ServesWss()
    {
        using var dataDir = new TempDirectory();
        await using var gateway = await GatewayProcess.StartAsync(
            ["--urls", "https://127.0.0.1:0", "--data-dir", dataDir.Path, "--certificate", _certificates.PfxPath, "--certificate-password-env", "SB_TEST_PFX_PASSWORD"],
            new Dictionary<string, string?> { ["SB_TEST_PFX_PASSWORD"] = TestCertificates.Password });

        await using var client = await ConnectAsync(gateway.Port);
        await client.SendTextAsync("{\"action\":\"no-such-route\"}");
        SeedMessages.AssertErrorFrame(await client.ReceiveTextAsync(), "Forbidden");
    }

    [Fact]
    public async Task Serve_WithAPasswordVariableThatIsNotSet_ExitsWithOneLine()
    {
        var result = await Processes.Cli.RunAsync(["serve", "--urls", "https://127.0.0.1:0", "--store", "memory", "--certificate", _certificates.PfxPath, "--certificate-password-env", "SB_TEST_UNSET_VARIABLE"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(["switchboard: --certificate-password-env: the environment variable SB_TEST_UNSET_VARIABLE is not set"], result.StderrLines);
    }

    public void Dispose() => _certificates.Dispose();

    private async Task<TestWebSocket> ConnectAsync(int port)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        socket.Options.RemoteCertificateValidationCallback = (_, certificate, _, _) => _certificates.Trusts(certificate);
        await socket.ConnectAsync(new Uri($"wss://127.0.0.1:{port}/dev"), CancellationToken.None).WaitAsync(TestWebSocket.DefaultTimeout);
        return new TestWebSocket(socket);
    }
}
