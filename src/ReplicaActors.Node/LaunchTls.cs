using Akka.Configuration;
using ReplicaActors.Config;
using ReplicaActors.Protocol;
using ReplicaActors.Security;
using ReplicaActors.Server;

namespace ReplicaActors.Node;

/// <summary>The files <c>launch --tls</c> runs a set with: a set CA, a certificate per member and one for the launcher's own client.</summary>
public static class LaunchTls
{
    /// <summary>
    /// Creates the CA and certificates unless the CA file is there already (a relaunch on the same dbpath keeps the set's
    /// CA, so members restarted by hand still trust each other), and returns the client HOCON that uses them.
    /// </summary>
    public static Akka.Configuration.Config Prepare(string setName, int members, Func<int, string> host, string caFile, Func<int, string> memberKeyFile, string clientKeyFile)
    {
        if (!File.Exists(caFile))
        {
            var validity = ReferenceConfig.Value.GetTimeSpan("replica-actors.tls.generated-validity");
            var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
            using var authority = SetCertificates.CreateAuthority(setName, notBefore, validity);
            for (var i = 0; i < members; i++)
            {
                var address = AkkaHost(host(i));
                using var member = SetCertificates.Issue(authority, $"member {i} of {setName} ({host(i)})", [address, "localhost"], notBefore, validity);
                SetCertificates.WritePrivate(memberKeyFile(i), SetCertificates.CertificateAndKeyPem(member));
            }
            using var client = SetCertificates.Issue(authority, $"client of {setName}", ["127.0.0.1", "localhost"], notBefore, validity);
            SetCertificates.WritePrivate(clientKeyFile, SetCertificates.CertificateAndKeyPem(client));
            // Written last: its presence says the whole set of files is there.
            SetCertificates.WritePrivate(caFile, SetCertificates.CertificatePem(authority));
        }
        else
        {
            for (var i = 0; i < members; i++)
                if (!File.Exists(memberKeyFile(i)))
                    throw new ConfigurationException($"{caFile} exists but {memberKeyFile(i)} does not: the set has more members than its certificates; use a new --dbpath");
        }
        return ConfigurationFactory.ParseString($$"""
            replica-actors.tls {
              mode = requireTLS
              certificate-key-file = {{ReplicaActorsConfig.Quote(clientKeyFile)}}
              ca-file = {{ReplicaActorsConfig.Quote(caFile)}}
            }
            """);
    }

    private static string AkkaHost(string host) => host[..host.LastIndexOf(':')];
}
