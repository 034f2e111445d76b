using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Switchboard.Cli;

/// <summary>
/// <c>serve --certificate FILE [--certificate-key FILE] [--certificate-password-env VAR]</c>: the certificate for
/// <c>https://</c> listen addresses, as PFX (PKCS #12) or PEM. The password is read from an environment variable so
/// it never appears in the process list or shell history.
/// </summary>
internal sealed class CertificateOptions
{
    public Option<string?> Certificate { get; } = new("--certificate")
    {
        Description = "TLS certificate for https:// addresses: a .pfx/.p12, or a PEM file (env SWITCHBOARD_CERTIFICATE)",
        DefaultValueFactory = _ => StoreOptions.Env("SWITCHBOARD_CERTIFICATE"),
    };

    public Option<string?> Key { get; } = new("--certificate-key")
    {
        Description = "PEM private key of --certificate, when not in the same file (env SWITCHBOARD_CERTIFICATE_KEY)",
        DefaultValueFactory = _ => StoreOptions.Env("SWITCHBOARD_CERTIFICATE_KEY"),
    };

    public Option<string?> PasswordEnv { get; } = new("--certificate-password-env")
    {
        Description = "Name of the environment variable holding the PFX password or the PEM key's passphrase",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Certificate);
        command.Options.Add(Key);
        command.Options.Add(PasswordEnv);
    }

    /// <summary>The certificate the options name (null when none), or a one-line problem.</summary>
    public (X509Certificate2? Certificate, string? Problem) Load(ParseResult parsed)
    {
        var path = parsed.GetValue(Certificate);
        var keyPath = parsed.GetValue(Key);
        var passwordEnv = parsed.GetValue(PasswordEnv);
        if (path is null)
        {
            return keyPath is null && passwordEnv is null
                ? (null, null)
                : (null, "--certificate-key and --certificate-password-env need --certificate");
        }

        string? password = null;
        if (passwordEnv is not null && (password = Environment.GetEnvironmentVariable(passwordEnv)) is null)
        {
            return (null, $"--certificate-password-env: the environment variable {passwordEnv} is not set");
        }

        return LoadFile(path, keyPath, password);
    }

    /// <summary>Loads a PFX (by extension .pfx or .p12) or a PEM certificate with its key; a problem names the file.</summary>
    public static (X509Certificate2? Certificate, string? Problem) LoadFile(string path, string? keyPath, string? password)
    {
        try
        {
            var extension = Path.GetExtension(path).ToLowerInvariant();
            var certificate = extension is ".pfx" or ".p12"
                ? X509CertificateLoader.LoadPkcs12FromFile(path, password)
                : password is null
                    ? X509Certificate2.CreateFromPemFile(path, keyPath ?? path)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath ?? path);
            if (!certificate.HasPrivateKey)
            {
                certificate.Dispose();
                return (null, $"--certificate {path}: the file holds no private key; give it with --certificate-key");
            }

            return (certificate, null);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return (null, $"--certificate {path}: {ex.Message.TrimEnd('.')}");
        }
    }
}
