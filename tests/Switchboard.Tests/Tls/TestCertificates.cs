using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Switchboard.Tests.Tls;

/// <summary>A self-signed certificate for 127.0.0.1 and localhost, made in the test, written out as PFX and PEM files.</summary>
public sealed class TestCertificates : IDisposable
{
    public const string Password = "test-password";

    public TestCertificates()
    {
        Directory.CreateDirectory(Folder);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=switchboard-tests", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));

        File.WriteAllBytes(PfxPath, Certificate.Export(X509ContentType.Pfx, Password));
        File.WriteAllText(CertificatePemPath, Certificate.ExportCertificatePem());
        File.WriteAllText(KeyPemPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(CombinedPemPath, Certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem());
    }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "switchboard-tests", "tls-" + Guid.NewGuid().ToString("N"));

    public X509Certificate2 Certificate { get; }

    public string PfxPath => Path.Combine(Folder, "server.pfx");

    public string CertificatePemPath => Path.Combine(Folder, "server.crt");

    public string KeyPemPath => Path.Combine(Folder, "server.key");

    public string CombinedPemPath => Path.Combine(Folder, "server.pem");

    /// <summary>Trusts exactly this certificate (it is self-signed, so no chain would).</summary>
    public bool Trusts(X509Certificate? presented) =>
        presented is not null && presented.GetCertHashString() == Certificate.GetCertHashString();

    public void Dispose()
    {
        Certificate.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
