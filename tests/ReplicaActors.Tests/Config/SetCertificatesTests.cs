using System.Net;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;
using ReplicaActors.Config;
using ReplicaActors.Protocol;
using ReplicaActors.Security;
using ReplicaActors.Server;

namespace ReplicaActors.Tests.Config;

public sealed class SetCertificatesTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow.AddMinutes(-1);
    private readonly string _folder = Directory.CreateTempSubdirectory("set-certs-").FullName;

    [Fact]
    public void A_member_certificate_is_signed_by_the_set_CA_for_server_and_client_use_and_names_its_address()
    {
        using var ca = SetCertificates.CreateAuthority("rs0", Now, TimeSpan.FromDays(10));
        using var member = SetCertificates.Issue(ca, "member 0 of rs0", ["127.0.0.1", "localhost"], Now, TimeSpan.FromDays(5));

        Assert.True(ca.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.True(member.HasPrivateKey);
        Assert.Equal(ca.Subject, member.Issuer);
        Assert.True(RemotingTls.IsSignedBy(member, [ca], out var problem), problem);
        var usages = member.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value).ToList();
        Assert.Contains("1.3.6.1.5.5.7.3.1", usages);
        Assert.Contains("1.3.6.1.5.5.7.3.2", usages);
        var names = member.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains(IPAddress.Loopback, names.EnumerateIPAddresses());
        Assert.Contains("localhost", names.EnumerateDnsNames());
    }

    [Fact]
    public void A_certificate_from_another_CA_or_self_signed_is_not_signed_by_the_set_CA()
    {
        using var ca = SetCertificates.CreateAuthority("rs0", Now, TimeSpan.FromDays(10));
        using var other = SetCertificates.CreateAuthority("rs0", Now, TimeSpan.FromDays(10));
        using var rogue = SetCertificates.Issue(other, "member 0 of rs0", ["127.0.0.1"], Now, TimeSpan.FromDays(5));

        Assert.False(RemotingTls.IsSignedBy(rogue, [ca], out var problem));
        Assert.NotEmpty(problem);
        Assert.False(RemotingTls.IsSignedBy(other, [ca], out _));
    }

    [Fact]
    public void An_expired_certificate_is_refused()
    {
        using var ca = SetCertificates.CreateAuthority("rs0", Now.AddDays(-30), TimeSpan.FromDays(60));
        using var expired = SetCertificates.Issue(ca, "old", ["127.0.0.1"], Now.AddDays(-30), TimeSpan.FromDays(1));

        Assert.False(RemotingTls.IsSignedBy(expired, [ca], out _));
    }

    [Fact]
    public void PEM_files_written_for_a_member_load_back_as_its_TLS_settings_and_are_private()
    {
        var (ca, member, keyFile, caFile) = WriteMemberFiles();
        using var _ = ca;
        using var __ = member;

        var tls = RemotingTls.From(Tls("requireTLS", keyFile, caFile))!;

        Assert.Equal(member.Thumbprint, tls.Certificate.Thumbprint);
        Assert.True(tls.Certificate.HasPrivateKey);
        Assert.Equal(ca.Thumbprint, Assert.Single(tls.Authorities).Thumbprint);
        Assert.True(tls.Setup().RequireMutualAuthentication);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
    }

    [Fact]
    public void TLS_is_off_by_default()
    {
        Assert.Null(RemotingTls.From(ReferenceConfig.Value));
        Assert.Null(WireTls.From(ReferenceConfig.Value));
    }

    [Theory]
    [InlineData("disabled", false, false, null)]
    [InlineData("allowTLS", false, true, true)]
    [InlineData("preferTLS", true, true, true)]
    [InlineData("requireTLS", true, true, false)]
    public void Each_mode_sets_remoting_TLS_and_what_the_wire_port_accepts(string mode, bool remoting, bool wire, bool? wireAcceptsPlaintext)
    {
        var (ca, member, keyFile, caFile) = WriteMemberFiles();
        using var _ = ca;
        using var __ = member;

        var config = Tls(mode, keyFile, caFile);

        Assert.Equal(remoting, RemotingTls.From(config) is not null);
        var wireTls = WireTls.From(config);
        Assert.Equal(wire, wireTls is not null);
        Assert.Equal(wireAcceptsPlaintext, wireTls?.AcceptsPlaintext);
        Assert.Equal(member.Thumbprint, wireTls?.Certificate.Thumbprint ?? member.Thumbprint);
    }

    [Fact]
    public void The_wire_port_needs_only_the_certificate_under_allowTLS_and_names_a_missing_one()
    {
        var error = Assert.Throws<ConfigurationException>(() => WireTls.From(Tls("allowTLS", "", "")));

        Assert.Contains("mode is allowTLS but replica-actors.tls.certificate-key-file (--tlsCertificateKeyFile) is not set", error.Message);
    }

    [Theory]
    [InlineData("preferTLS", "", "ca.pem", "x509", "mode is preferTLS but replica-actors.tls.certificate-key-file (--tlsCertificateKeyFile) is not set")]
    [InlineData("sslOnly", "", "", "x509", "must be disabled, allowTLS, preferTLS or requireTLS, not 'sslOnly'")]
    [InlineData("requireTLS", "", "ca.pem", "x509", "certificate-key-file (--tlsCertificateKeyFile) is not set")]
    [InlineData("requireTLS", "missing.pem", "ca.pem", "x509", "missing.pem does not exist")]
    [InlineData("requireTLS", "ca.pem", "ca.pem", "x509", "must hold a PEM certificate and its private key")]
    [InlineData("requireTLS", "garbage.pem", "garbage.pem", "x509", "must hold a PEM certificate and its private key")]
    [InlineData("disabled", "", "", "keyFile", "'keyFile' is not supported")]
    public void Bad_TLS_settings_are_refused_naming_the_problem(string mode, string keyFile, string caFile, string authMode, string expected)
    {
        using var ca = SetCertificates.CreateAuthority("rs0", Now, TimeSpan.FromDays(10));
        File.WriteAllText(Path.Combine(_folder, "ca.pem"), SetCertificates.CertificatePem(ca));
        File.WriteAllText(Path.Combine(_folder, "garbage.pem"), "not a certificate");
        string InFolder(string name) => name.Length == 0 ? "" : Path.Combine(_folder, name);

        var error = Assert.Throws<ConfigurationException>(() => RemotingTls.From(Tls(mode, InFolder(keyFile), InFolder(caFile), authMode)));
        Assert.Contains(expected, error.Message);
    }

    /// <summary>A set CA and a member certificate it signed, written as the member's key file and CA file.</summary>
    private (X509Certificate2 Ca, X509Certificate2 Member, string KeyFile, string CaFile) WriteMemberFiles()
    {
        var ca = SetCertificates.CreateAuthority("rs0", Now, TimeSpan.FromDays(10));
        var member = SetCertificates.Issue(ca, "member 0 of rs0", ["127.0.0.1"], Now, TimeSpan.FromDays(5));
        var keyFile = Path.Combine(_folder, "m0.pem");
        var caFile = Path.Combine(_folder, "ca.pem");
        SetCertificates.WritePrivate(keyFile, SetCertificates.CertificateAndKeyPem(member));
        File.WriteAllText(caFile, SetCertificates.CertificatePem(ca));
        return (ca, member, keyFile, caFile);
    }

    private static Akka.Configuration.Config Tls(string mode, string keyFile, string caFile, string authMode = "x509") =>
        ConfigurationFactory.ParseString($$"""
            replica-actors.tls {
              mode = {{mode}}
              certificate-key-file = {{ReplicaActorsConfig.Quote(keyFile)}}
              ca-file = {{ReplicaActorsConfig.Quote(caFile)}}
              cluster-auth-mode = {{authMode}}
            }
            """).WithFallback(ReferenceConfig.Value);

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
