using ReplicaActors.Security;

namespace ReplicaActors.TestKit;

/// <summary>
/// A secure fixture's CA and the one certificate its members and its client all show: every member is on 127.0.0.1,
/// so one certificate naming it serves them all.
/// </summary>
internal sealed record FixtureCertificates(string CaFile, string KeyFile)
{
    private static readonly TimeSpan Validity = TimeSpan.FromDays(1);

    public static FixtureCertificates Create(string folder, string setName)
    {
        Directory.CreateDirectory(folder);
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-1);
        using var ca = SetCertificates.CreateAuthority(setName, notBefore, Validity);
        using var member = SetCertificates.Issue(ca, "fixture-member", ["127.0.0.1", "localhost"], notBefore, Validity);
        var certificates = new FixtureCertificates(Path.Combine(folder, "ca.pem"), Path.Combine(folder, "member.pem"));
        File.WriteAllText(certificates.CaFile, SetCertificates.CertificatePem(ca));
        SetCertificates.WritePrivate(certificates.KeyFile, SetCertificates.CertificateAndKeyPem(member));
        return certificates;
    }
}
