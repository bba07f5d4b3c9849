using Akka.Configuration;

namespace ReplicaActors.TestKit;

/// <summary>The HOCON a fixture gives its members and its client.</summary>
internal static class FixtureConfig
{
    /// <summary>
    /// The throttler adapter lets the fixture blackhole links; members and the client must all use it,
    /// since an <c>akka.tcp</c> system cannot talk to an <c>akka.trttl.tcp</c> one.
    /// </summary>
    private const string Throttler = "akka.remote.dot-netty.tcp.applied-adapters = [trttl]";

    public static Akka.Configuration.Config Client { get; } = ConfigurationFactory.ParseString(Throttler);

    public static Akka.Configuration.Config ForMember(ReplicaSetFixtureOptions options, string dbPath, int port, FixtureCertificates? certificates = null)
    {
        var secure = certificates is null ? "" : $$"""
            replica-actors.tls {
              mode = requireTLS
              certificate-key-file = {{Quote(certificates.KeyFile)}}
              ca-file = {{Quote(certificates.CaFile)}}
            }
            replica-actors.security.authorization = enabled
            """;
        var pinned = ConfigurationFactory.ParseString($$"""
            replica-actors.member {
              replSet = {{Quote(options.SetName)}}
              bind-ip = "127.0.0.1"
              port = {{port}}
              dbpath = {{Quote(dbPath)}}
            }
            {{secure}}
            """);
        return pinned
            .WithFallback(ConfigurationFactory.ParseString(options.ExtraHocon))
            .WithFallback(ConfigurationFactory.ParseString(options.Profile))
            .WithFallback(Journal(options.Journal))
            .WithFallback(Base(options.Output is not null));
    }

    /// <summary>
    /// Killing a member must look like a crash to the others: no coordinated shutdown, so no graceful
    /// cluster leave, and a member that the cluster downs stays up (the replica set decides, not Akka).
    /// </summary>
    private static Akka.Configuration.Config Base(bool verbose) => ConfigurationFactory.ParseString($$"""
        {{Throttler}}
        akka.coordinated-shutdown.run-by-actor-system-terminate = off
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        akka.cluster.run-coordinated-shutdown-when-down = off
        # A restarted member must be reachable again at once, not after the default 5 s gate.
        akka.remote.retry-gate-closed-for = 200ms
        akka.loglevel = {{(verbose ? "INFO" : "WARNING")}}
        akka.stdout-loglevel = WARNING
        """);

    private static Akka.Configuration.Config Journal(FixtureJournal journal) => journal switch
    {
        FixtureJournal.InMemory => ConfigurationFactory.ParseString("""
            akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
            akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
            replica-actors.storage.temporary = on
            """),
        _ => Akka.Configuration.Config.Empty,
    };

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
