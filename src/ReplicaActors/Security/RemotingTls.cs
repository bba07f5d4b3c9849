using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace ReplicaActors.Security;

/// <summary>
/// Mutual TLS on Akka remoting (<c>replica-actors.tls</c>): this end's certificate and the set's CA, and Akka's
/// setup that makes both ends of every connection show a certificate the CA signed. Members and clients share it.
/// </summary>
public sealed class RemotingTls
{
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

    /// <summary>
    /// Whether remoting runs TLS: under requireTLS and preferTLS, where members dial each other with TLS. Akka remoting
    /// is all TLS or none, so under preferTLS it accepts TLS peers only; allowTLS leaves it plaintext, as mongod's
    /// allowTLS does between members.
    /// </summary>
    public static bool IsRequired(Akka.Configuration.Config config) => TlsConfig.Mode(config) is TlsMode.PreferTls or TlsMode.RequireTls;

    /// <summary>The TLS settings <paramref name="config"/> asks for on remoting, with their files loaded; null when remoting is plaintext.</summary>
    public static RemotingTls? From(Akka.Configuration.Config config) =>
        IsRequired(config) ? new RemotingTls(TlsConfig.CertificateAndKey(config), TlsConfig.Authorities(config)) : null;

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
}
