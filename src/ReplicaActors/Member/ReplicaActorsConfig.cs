using Akka.Configuration;
using Akka.Persistence.Sql;
using Microsoft.Data.Sqlite;

namespace ReplicaActors.Member;

/// <summary>
/// Composes a member's ActorSystem configuration: the caller's overrides, then what follows from the
/// member settings (remoting endpoint, journal file), then the embedded reference config.
/// </summary>
public static class ReplicaActorsConfig
{
    /// <summary>
    /// Every member's ActorSystem has this one name, so that a member is reachable from its
    /// <c>host:port</c> alone (as a mongod is): clients need not know the set name before they
    /// connect, and the set name is checked by the replica-set protocol instead.
    /// </summary>
    public const string SystemName = "replicaactors";

    /// <summary>The member actor's path in every member's system.</summary>
    public const string MemberActorName = "member";

    private static readonly Lazy<Akka.Configuration.Config> ReferenceConfig = new(() =>
    {
        using var stream = typeof(ReplicaActorsConfig).Assembly.GetManifestResourceStream("ReplicaActors.reference.conf")
            ?? throw new InvalidOperationException("the embedded reference.conf is missing from the ReplicaActors assembly");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    public static Akka.Configuration.Config Reference => ReferenceConfig.Value;

    /// <summary>The full configuration of one member, given its overrides (HOCON files, flags).</summary>
    public static Akka.Configuration.Config ForMember(Akka.Configuration.Config overrides)
    {
        var merged = overrides.WithFallback(Reference);
        var settings = MemberSettings.From(merged);
        var journal = JournalConnectionString(settings.DbPath);
        var transport = merged.GetBoolean("replica-actors.remoting.bind-outgoing")
            ? $"akka.remote.dot-netty.tcp.transport-class = {Quote(typeof(SourceBoundTcpTransport).AssemblyQualifiedName!)}"
            : "";
        var derived = ConfigurationFactory.ParseString($$"""
            {{transport}}
            akka.remote.dot-netty.tcp.hostname = {{Quote(settings.BindIp)}}
            akka.remote.dot-netty.tcp.port = {{(settings.Port == 0 ? 0 : settings.RemotingPort)}}
            akka.persistence.journal.sql.connection-string = {{Quote(journal)}}
            akka.persistence.snapshot-store.sql.connection-string = {{Quote(journal)}}
            """);
        return overrides.WithFallback(derived).WithFallback(Reference).WithFallback(SqlPersistence.DefaultConfiguration);
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

    /// <summary>A value as a quoted HOCON string (paths and names may hold backslashes, quotes or spaces).</summary>
    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
