using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;

namespace ReplicaActors.Security;

/// <summary>
/// TLS on the MongoDB wire port (<c>replica-actors.tls</c>): the member's certificate, served to each client that
/// opens with a TLS handshake. Clients show no certificate (mongod with tlsAllowConnectionsWithoutCertificates):
/// they prove who they are with a user. Null when the mode is disabled.
/// </summary>
public sealed class WireTls
{
    /// <summary>Bytes <see cref="IsClientHello"/> looks at: a TLS record header and the handshake type after it.</summary>
    public const int SniffLength = 6;

    /// <summary>The certificate as each handshake sends it, built once rather than per connection.</summary>
    private readonly SslStreamCertificateContext _context;

    private WireTls(X509Certificate2 certificate, bool acceptsPlaintext, TimeSpan handshakeTimeout)
    {
        Certificate = certificate;
        // Offline: the chain is built from what is at hand, never fetched (a set's CA publishes no download location).
        _context = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
        AcceptsPlaintext = acceptsPlaintext;
        HandshakeTimeout = handshakeTimeout;
    }

    /// <summary>The member's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Whether a client that does not open with TLS is served in plaintext (allowTLS, preferTLS) or closed (requireTLS).</summary>
    public bool AcceptsPlaintext { get; }

    /// <summary>How long a new connection may take to send its first bytes and finish the TLS handshake.</summary>
    public TimeSpan HandshakeTimeout { get; }

    public static WireTls? From(Akka.Configuration.Config config)
    {
        var mode = TlsConfig.Mode(config);
        if (mode == TlsMode.Disabled) return null;
        var timeout = config.GetTimeSpan($"{TlsConfig.Section}.handshake-timeout");
        if (timeout <= TimeSpan.Zero)
            throw new ConfigurationException($"{TlsConfig.Section}.handshake-timeout must be positive, not {timeout}");
        return new WireTls(TlsConfig.CertificateAndKey(config), mode != TlsMode.RequireTls, timeout);
    }

    /// <summary>The server side of one handshake.</summary>
    public SslServerAuthenticationOptions ServerOptions() => new()
    {
        ServerCertificateContext = _context,
        ClientCertificateRequired = false,
    };

    /// <summary>
    /// How a client of the wire port checks a member (MongoDB.Driver's <c>SslSettings.ServerCertificateValidationCallback</c>):
    /// .NET matches the host name against the certificate, and the chain must end at one of <paramref name="authorities"/>,
    /// since a set's own CA is in no machine's trust store.
    /// </summary>
    public static RemoteCertificateValidationCallback TrustedBy(X509Certificate2Collection authorities) => (_, certificate, _, errors) =>
        (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
        && certificate is not null
        && RemotingTls.IsSignedBy(certificate as X509Certificate2 ?? new X509Certificate2(certificate), authorities, out _);

    /// <summary>
    /// Whether a connection's first <see cref="SniffLength"/> bytes are a TLS ClientHello: a handshake record (22)
    /// of version 3.x and handshake type ClientHello (1), as mongod tells them apart. A MongoDB message opens with its
    /// length, little-endian: these bytes would need a first message of 66,326 bytes or so, and the first is a hello.
    /// </summary>
    public static bool IsClientHello(ReadOnlySpan<byte> first) =>
        first.Length >= SniffLength && first[0] == 0x16 && first[1] == 0x03 && first[2] <= 0x04 && first[5] == 0x01;
}
