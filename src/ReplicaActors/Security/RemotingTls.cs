using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace ReplicaActors.Security;

/// <summary>
/// Mutual TLS on Akka remoting (<c>replica-actors.tls</c>): this end's certificate and the set's CA, and Akka's
/// setup that makes both ends of every connection show a certificate the CA signed. Members and clients share it.
/// </summary>
public sealed class RemotingTls
{
    private const string Section = "replica-actors.tls";

    private RemotingTls(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        Certificate = certificate;
        Authorities = authorities;
    }

    /// <summary>This end's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA certificates a peer's certificate must chain to.</summary>
    public X509Certificate2Collection Authorities { get; }

    /// <summary>What turns TLS on in Akka's transport; its addresses become <c>akka.ssl.tcp://</c>.</summary>
    public const string EnableSsl = "akka.remote.dot-netty.tcp.enable-ssl = on";

    /// <summary>Whether <c>replica-actors.tls.mode</c> asks for TLS; every value other than the supported two is an error.</summary>
    public static bool IsRequired(Akka.Configuration.Config config)
    {
        var authMode = config.GetString($"{Section}.cluster-auth-mode");
        if (authMode != "x509")
            throw new ConfigurationException($"{Section}.cluster-auth-mode (--clusterAuthMode) '{authMode}' is not supported: members authenticate with x509 certificates only");
        var mode = config.GetString($"{Section}.mode");
        return mode switch
        {
            "disabled" => false,
            "requireTLS" => true,
            "allowTLS" or "preferTLS" => throw new ConfigurationException(
                $"{Section}.mode (--tlsMode) '{mode}' is not supported: Akka remoting is either all TLS or none; use requireTLS or disabled"),
            _ => throw new ConfigurationException($"{Section}.mode (--tlsMode) must be disabled or requireTLS, not '{mode}'"),
        };
    }

    /// <summary>The TLS settings <paramref name="config"/> asks for, with their files loaded; null when TLS is off.</summary>
    public static RemotingTls? From(Akka.Configuration.Config config)
    {
        if (!IsRequired(config)) return null;
        var keyFile = RequiredFile(config, "certificate-key-file", "--tlsCertificateKeyFile");
        var caFile = RequiredFile(config, "ca-file", "--tlsCAFile");
        return new RemotingTls(LoadCertificateAndKey(keyFile), LoadAuthorities(caFile));
    }

    /// <summary>
    /// Akka's TLS setup: mutual authentication, and a peer is judged by the set's CA alone (not the machine's store,
    /// not host names, since members are addressed by IP and each has its own certificate).
    /// </summary>
    public DotNettySslSetup Setup() =>
        new(Certificate, suppressValidation: false, requireMutualAuthentication: true, validateCertificateHostname: false, SignedBy(Authorities));

    /// <summary>Accepts a peer's certificate only when it chains to one of <paramref name="authorities"/>, and logs each refusal.</summary>
    public static CertificateValidationCallback SignedBy(X509Certificate2Collection authorities) => (certificate, _, peer, _, log) =>
    {
        if (certificate is null)
        {
            log.Warning("TLS: refused {0}: it showed no certificate", peer);
            return false;
        }
        if (IsSignedBy(certificate, authorities, out var problem)) return true;
        log.Warning("TLS: refused {0}: its certificate '{1}' is not signed by the set's CA ({2})", peer, certificate.Subject, problem);
        return false;
    };

    /// <summary>Whether <paramref name="certificate"/> chains to one of <paramref name="authorities"/> and is valid now.</summary>
    public static bool IsSignedBy(X509Certificate2 certificate, X509Certificate2Collection authorities, out string problem)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        // A set CA publishes no revocation list; trust is the CA's signature and the validity period.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain.Build(certificate))
        {
            problem = "";
            return true;
        }
        problem = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        return false;
    }

    private static string RequiredFile(Akka.Configuration.Config config, string key, string flag)
    {
        var path = config.GetString($"{Section}.{key}");
        if (string.IsNullOrEmpty(path))
            throw new ConfigurationException($"{Section}.mode is requireTLS but {Section}.{key} ({flag}) is not set");
        if (!File.Exists(path))
            throw new ConfigurationException($"{Section}.{key} ({flag}): file {Path.GetFullPath(path)} does not exist");
        return path;
    }

    private static X509Certificate2 LoadCertificateAndKey(string path)
    {
        try
        {
            var certificate = X509Certificate2.CreateFromPemFile(path);
            if (!certificate.HasPrivateKey)
                throw new ConfigurationException($"{Section}.certificate-key-file: {Path.GetFullPath(path)} holds no private key");
            return certificate;
        }
        catch (CryptographicException e)
        {
            throw new ConfigurationException($"{Section}.certificate-key-file: {Path.GetFullPath(path)} must hold a PEM certificate and its private key: {e.Message}");
        }
    }

    private static X509Certificate2Collection LoadAuthorities(string path)
    {
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(path);
        }
        catch (CryptographicException e)
        {
            throw new ConfigurationException($"{Section}.ca-file: {Path.GetFullPath(path)} is not a PEM certificate file: {e.Message}");
        }
        if (authorities.Count == 0)
            throw new ConfigurationException($"{Section}.ca-file: {Path.GetFullPath(path)} holds no certificate");
        return authorities;
    }
}
