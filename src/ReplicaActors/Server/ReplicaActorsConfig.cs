using Akka.Configuration;
using Akka.Persistence.Sql;
using Microsoft.Data.Sqlite;
using ReplicaActors.Config;
using ReplicaActors.Member;
using ReplicaActors.Protocol;
using ReplicaActors.Security;

namespace ReplicaActors.Server;

/// <summary>
/// Composes a member's ActorSystem configuration: the caller's overrides, then what follows from the
/// member settings (remoting endpoint, journal file), then the embedded reference config.
/// </summary>
public static class ReplicaActorsConfig
{
    /// <summary>The full configuration of one member, given its overrides (HOCON files, flags).</summary>
    public static Akka.Configuration.Config ForMember(Akka.Configuration.Config overrides)
    {
        var merged = overrides.WithFallback(ReferenceConfig.Value);
        var settings = MemberSettings.From(merged);
        var journal = JournalConnectionString(settings.DbPath);
        var transport = merged.GetBoolean("replica-actors.remoting.bind-outgoing")
            ? $"akka.remote.dot-netty.tcp.transport-class = {Quote(typeof(SourceBoundTcpTransport).AssemblyQualifiedName!)}"
            : "";
        var tls = RemotingTls.IsRequired(merged) ? RemotingTls.EnableSsl : "";
        var derived = ConfigurationFactory.ParseString($$"""
            {{tls}}
            {{transport}}
            akka.remote.dot-netty.tcp.hostname = {{Quote(settings.BindIp)}}
            akka.remote.dot-netty.tcp.port = {{(settings.Port == 0 ? 0 : settings.RemotingPort)}}
            akka.persistence.journal.sql.connection-string = {{Quote(journal)}}
            akka.persistence.snapshot-store.sql.connection-string = {{Quote(journal)}}
            """);
        return overrides.WithFallback(derived).WithFallback(ReferenceConfig.Value).WithFallback(SqlPersistence.DefaultConfiguration);
    }

    public static string JournalPath(string dbPath) => Path.Combine(Path.GetFullPath(dbPath), "oplog.db");

    public static string JournalConnectionString(string dbPath) => $"Data Source={JournalPath(dbPath)};Default Timeout=30";

    /// <summary>
    /// Creates the member's folder and puts the journal file in WAL mode before Akka opens it.
    /// WAL is a property of the file and persists; each connection keeps SQLite's default
    /// synchronous=FULL, so every committed journal write is fsynced before it is acknowledged.
    /// </summary>
    public static void PrepareJournal(string dbPath)
    {
        Directory.CreateDirectory(Path.GetFullPath(dbPath));
        using var connection = new SqliteConnection($"Data Source={JournalPath(dbPath)};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// What a remoting client (rsctl, the .NET client) needs to reach members that require TLS: its own certificate
    /// with the key, and the set's CA, as <c>replica-actors.tls</c> over the client's config.
    /// </summary>
    public static Akka.Configuration.Config ClientTls(string certificateKeyFile, string caFile) => ConfigurationFactory.ParseString($$"""
        replica-actors.tls {
          mode = requireTLS
          certificate-key-file = {{Quote(Path.GetFullPath(certificateKeyFile))}}
          ca-file = {{Quote(Path.GetFullPath(caFile))}}
        }
        """);

    /// <summary>A value as a quoted HOCON string (paths and names may hold backslashes, quotes or spaces).</summary>
    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
