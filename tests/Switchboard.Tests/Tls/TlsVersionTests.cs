using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Tls;

/// <summary>
/// TLS 1.0 and 1.1 are refused by the gateway's own setting (<c>GatewayHost</c>: TLS 1.2 and 1.3 only). The ClientHello
/// is written by hand over a raw socket, so what is offered does not depend on the local OpenSSL's client policy
/// (which may refuse to offer an old version at all, and would make a test with <c>SslStream</c> pass without ever
/// asking the server).
/// </summary>
public sealed class TlsVersionTests : IDisposable
{
    // RFC 8446 section 5.1 (record content types), 4 (handshake types), 6 (alerts).
    private const byte Handshake = 22;
    private const byte Alert = 21;
    private const byte ClientHello = 1;
    private const byte ServerHello = 2;
    private const byte Fatal = 2;

    // protocol_version (70) names the version as the reason. Measured with OpenSSL 3.0 (Debian 12): a server that
    // leaves the versions to the platform answers the same TLS 1.0/1.1 hellos with handshake_failure (40) instead,
    // after agreeing on the version and finding no usable cipher, so 70 shows the refusal is the version setting.
    private const byte ProtocolVersion = 70;

    private const ushort Tls10 = 0x0301;
    private const ushort Tls11 = 0x0302;
    private const ushort Tls12 = 0x0303;

    private readonly TestCertificates _certificates = new();

    [Theory]
    [InlineData(Tls10, false)]
    [InlineData(Tls11, false)]
    [InlineData(Tls11, true)]
    public async Task Tls10And11Hellos_GetAProtocolVersionAlert_AndTheConnectionCloses(ushort version, bool viaSupportedVersions)
    {
        await using var server = await StartAsync();
        using var tcp = await ConnectAsync(server);
        var stream = tcp.GetStream();

        await stream.WriteAsync(ClientHelloRecord(version, viaSupportedVersions)).AsTask().WaitAsync(TestWebSocket.DefaultTimeout);
        var answer = await ReadUntilClosedAsync(stream);

        // One alert record: type, version (2), length 2, level, description.
        Assert.True(answer.Length >= 7, $"expected an alert record, got {Convert.ToHexString(answer)}");
        Assert.Equal(Alert, answer[0]);
        Assert.Equal(2, (answer[3] << 8) | answer[4]);
        Assert.Equal(Fatal, answer[5]);
        Assert.Equal(ProtocolVersion, answer[6]);
        Assert.Equal(7, answer.Length);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Tls12Hello_BuiltTheSameWay_GetsAServerHelloForTls12(bool viaSupportedVersions)
    {
        await using var server = await StartAsync();
        using var tcp = await ConnectAsync(server);
        var stream = tcp.GetStream();

        await stream.WriteAsync(ClientHelloRecord(Tls12, viaSupportedVersions)).AsTask().WaitAsync(TestWebSocket.DefaultTimeout);
        var head = new byte[11];
        await stream.ReadExactlyAsync(head).AsTask().WaitAsync(TestWebSocket.DefaultTimeout);

        // Record header (5), handshake type (1), length (3), then the chosen version.
        Assert.Equal(Handshake, head[0]);
        Assert.Equal(ServerHello, head[5]);
        Assert.Equal(Tls12, (head[9] << 8) | head[10]);
    }

    public void Dispose() => _certificates.Dispose();

    private Task<GatewayServer> StartAsync() =>
        GatewayServer.StartAsync(urls: "https://127.0.0.1:0", certificate: _certificates.Certificate);

    private static async Task<TcpClient> ConnectAsync(GatewayServer server)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.BaseAddress.Port).WaitAsync(TestWebSocket.DefaultTimeout);
        return tcp;
    }

    /// <summary>Everything the server sends until it closes the connection.</summary>
    private static async Task<byte[]> ReadUntilClosedAsync(NetworkStream stream)
    {
        using var received = new MemoryStream();
        var buffer = new byte[1024];
        int read;
        while ((read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TestWebSocket.DefaultTimeout)) > 0)
        {
            received.Write(buffer, 0, read);
        }

        return received.ToArray();
    }

    /// <summary>
    /// A ClientHello record (RFC 5246 section 7.4.1.2) offering <paramref name="version"/>: in the legacy version field,
    /// or, as TLS 1.3 clients do (RFC 8446 section 4.2.1), as the only entry of supported_versions with 1.2 in the
    /// legacy field. Cipher suites a client of that version would offer, ECDHE and plain RSA key exchange.
    /// </summary>
    private static byte[] ClientHelloRecord(ushort version, bool viaSupportedVersions)
    {
        var body = new List<byte>();
        Add16(body, viaSupportedVersions ? Tls12 : version);
        body.AddRange(RandomNumberGenerator.GetBytes(32));
        body.Add(0); // no session id
        ushort[] suites = version >= Tls12
            ? [0xC02F, 0xC030, 0x009C, 0xC013, 0x002F] // ECDHE-RSA-AES-GCM, RSA-AES128-GCM, ECDHE-RSA-AES128-CBC, RSA-AES128-CBC
            : [0xC013, 0xC014, 0x002F, 0x0035]; // ECDHE-RSA-AES-CBC-SHA, RSA-AES-CBC-SHA
        Add16(body, suites.Length * 2);
        foreach (var suite in suites)
        {
            Add16(body, suite);
        }

        body.Add(1); // one compression method: null
        body.Add(0);

        var extensions = new List<byte>();
        AddExtension(extensions, 0x000A, [0x00, 0x04, 0x00, 0x1D, 0x00, 0x17]); // supported_groups: x25519, secp256r1
        AddExtension(extensions, 0x000B, [0x01, 0x00]); // ec_point_formats: uncompressed
        if (version >= Tls12)
        {
            AddExtension(extensions, 0x000D, [0x00, 0x04, 0x08, 0x04, 0x04, 0x01]); // signature_algorithms: rsa_pss_rsae_sha256, rsa_pkcs1_sha256
        }

        if (viaSupportedVersions)
        {
            AddExtension(extensions, 0x002B, [0x02, (byte)(version >> 8), (byte)version]);
        }

        AddExtension(extensions, 0xFF01, [0x00]); // renegotiation_info, empty
        Add16(body, extensions.Count);
        body.AddRange(extensions);

        var record = new List<byte> { Handshake, 0x03, 0x01 };
        Add16(record, body.Count + 4);
        record.Add(ClientHello);
        record.Add(0);
        Add16(record, body.Count);
        record.AddRange(body);
        return [.. record];
    }

    private static void AddExtension(List<byte> to, ushort type, byte[] data)
    {
        Add16(to, type);
        Add16(to, data.Length);
        to.AddRange(data);
    }

    private static void Add16(List<byte> to, int value)
    {
        to.Add((byte)(value >> 8));
        to.Add((byte)value);
    }
}
