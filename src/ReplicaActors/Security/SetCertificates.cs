using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ReplicaActors.Security;

/// <summary>
/// A set's own CA and the certificates it signs, made in-process (no openssl): what <c>launch --tls</c> writes, as
/// PEM files in the shape mongod's <c>--tlsCAFile</c> and <c>--tlsCertificateKeyFile</c> take.
/// </summary>
public static class SetCertificates
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    /// <summary>A self-signed CA that can sign end certificates only (path length 0).</summary>
    public static X509Certificate2 CreateAuthority(string setName, DateTimeOffset notBefore, TimeSpan validity)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(Name($"ReplicaActors CA for set {setName}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(notBefore, notBefore + validity);
    }

    /// <summary>
    /// A certificate for one member or client, signed by <paramref name="authority"/>: usable as TLS server and client
    /// (members dial each other), naming <paramref name="addresses"/> (IPs or DNS names) as its subject alternative names.
    /// </summary>
    public static X509Certificate2 Issue(X509Certificate2 authority, string commonName, IEnumerable<string> addresses, DateTimeOffset notBefore, TimeSpan validity)
    {
        if (!authority.HasPrivateKey)
            throw new ArgumentException($"the CA certificate '{authority.Subject}' has no private key to sign with", nameof(authority));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(Name(commonName), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuth, ClientAuth], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        var names = new SubjectAlternativeNameBuilder();
        foreach (var address in addresses)
        {
            if (IPAddress.TryParse(address, out var ip)) names.AddIpAddress(ip);
            else names.AddDnsName(address);
        }
        request.CertificateExtensions.Add(names.Build());
        var notAfter = notBefore + validity;
        if (notAfter > authority.NotAfter) notAfter = authority.NotAfter;
        using var signed = request.Create(authority, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>The certificate alone, PEM: a CA file.</summary>
    public static string CertificatePem(X509Certificate2 certificate) => certificate.ExportCertificatePem() + "\n";

    /// <summary>The certificate and its private key, PEM: a certificate-key file.</summary>
    public static string CertificateAndKeyPem(X509Certificate2 certificate)
    {
        using var key = certificate.GetECDsaPrivateKey()
            ?? throw new ArgumentException($"certificate '{certificate.Subject}' has no ECDSA private key", nameof(certificate));
        return certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n";
    }

    /// <summary>Writes <paramref name="pem"/> readable by this user only where the file system has Unix modes: it may hold a private key.</summary>
    public static void WritePrivate(string path, string pem)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new StreamWriter(new FileStream(path, options)))
            file.Write(pem);
        // The create mode applies to a new file only; an existing one keeps its mode otherwise.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private static X500DistinguishedName Name(string commonName)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(commonName);
        return builder.Build();
    }
}
