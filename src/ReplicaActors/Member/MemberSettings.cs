using Akka.Configuration;
using ReplicaActors.Consensus;
using ReplicaActors.Oplog;
using ReplicaActors.Replication;

namespace ReplicaActors.Member;

/// <summary>The member's own settings, read once from the <c>replica-actors</c> HOCON section.</summary>
public sealed record MemberSettings(
    string ReplSetName,
    string BindIp,
    int Port,
    string DbPath,
    int MaxDocumentBytes,
    int MaxWritesPerBatch,
    int ReaderCount,
    long OplogSizeBytes,
    double OplogMinRetentionHours,
    TimeSpan OplogTruncateInterval,
    long OplogWindowBytes,
    int FetchBatchEntries,
    TimeSpan FetchAwaitData,
    TimeSpan MaintenanceInterval,
    Akka.Configuration.Config ConfigDefaults)
{
    /// <summary>How a member with no data clones a sync source (<c>replica-actors.initial-sync</c>).</summary>
    public required InitialSyncSettings InitialSync { get; init; }

    /// <summary>
    /// The pause before a stopped member (its journal failed) is started again from its journal: from the first value,
    /// growing to the second (<c>replica-actors.member.restart-backoff-min/max</c>).
    /// </summary>
    public required (TimeSpan Min, TimeSpan Max) RestartBackoff { get; init; }

    /// <summary>How long versions stay readable after a newer commit point replaced them (<c>replica-actors.replication.snapshot-history</c>).</summary>
    public required TimeSpan SnapshotHistory { get; init; }

    /// <summary>How long a linearizable read waits for its no-op barrier to be majority-committed (<c>replica-actors.replication.linearizable-timeout</c>).</summary>
    public required TimeSpan LinearizableTimeout { get; init; }

    /// <summary>How long a safe reconfig waits for the current config to be committed before it is refused (<c>replica-actors.member.reconfig-commitment-wait</c>).</summary>
    public required TimeSpan ReconfigCommitmentWait { get; init; }

    /// <summary>How many recent write ids a member remembers to answer retries without applying them twice (<c>replica-actors.member.recent-write-ids</c>).</summary>
    public required int RecentWriteIds { get; init; }

    /// <summary>How a member whose history diverged, or that fell behind its sources, rejoins (<c>replica-actors.recovery</c>).</summary>
    public required RecoverySettings Recovery { get; init; }

    public required SyncSourceLimits SyncSource { get; init; }

    public required TimeSpan PriorityTakeoverFreshness { get; init; }

    /// <summary>Akka remoting listens on the wire port plus this (<c>replica-actors.remoting.port-offset</c>).</summary>
    public required int RemotingPortOffset { get; init; }

    /// <summary>The member's replica-set host: its MongoDB wire address.</summary>
    public string Host => $"{BindIp}:{Port}";

    /// <summary>The member's Akka remoting port, derived from its wire port.</summary>
    public int RemotingPort => Config.RemotingEndpoint.PortFor(Port, RemotingPortOffset);

    public Oplog.OplogCap OplogCap => new(OplogSizeBytes, TimeSpan.FromHours(OplogMinRetentionHours));

    /// <summary>
    /// Port 0 asks the OS for a free remoting port (single-actor specs); the member's wire port is then the
    /// one that maps to it.
    /// </summary>
    public MemberSettings BoundTo(Akka.Actor.ActorSystem system) =>
        Port != 0 ? this : this with
        {
            Port = Config.RemotingEndpoint.WirePortOf(((Akka.Actor.ExtendedActorSystem)system).Provider.DefaultAddress.Port ?? 0, RemotingPortOffset),
        };

    public static MemberSettings From(Akka.Configuration.Config root)
    {
        var ra = root.GetConfig("replica-actors") ?? throw new ConfigurationException("missing the replica-actors section");
        var member = ra.GetConfig("member");
        var settings = new MemberSettings(
            member.GetString("replSet"),
            member.GetString("bind-ip"),
            member.GetInt("port"),
            member.GetString("dbpath"),
            member.GetInt("max-document-bytes"),
            member.GetInt("max-writes-per-batch"),
            member.GetInt("reader-count"),
            ra.GetLong("oplog.size-bytes"),
            ra.GetDouble("oplog.min-retention-hours"),
            ra.GetTimeSpan("oplog.truncate-interval"),
            ra.GetByteSize("oplog.window-bytes") ?? throw new ConfigurationException("replica-actors.oplog.window-bytes is missing"),
            ra.GetInt("replication.batch-entries"),
            ra.GetTimeSpan("replication.await-data"),
            ra.GetTimeSpan("replication.maintenance-interval"),
            ra.GetConfig("config-defaults"))
        {
            Recovery = RecoverySettings.From(ra.GetConfig("recovery")),
            SyncSource = new SyncSourceLimits(ra.GetTimeSpan("replication.max-sync-source-lag"), ra.GetTimeSpan("replication.change-sync-source-threshold")),
            PriorityTakeoverFreshness = member.GetTimeSpan("priority-takeover-freshness"),
            InitialSync = InitialSyncSettings.From(ra.GetConfig("initial-sync")),
            RestartBackoff = (member.GetTimeSpan("restart-backoff-min"), member.GetTimeSpan("restart-backoff-max")),
            SnapshotHistory = ra.GetTimeSpan("replication.snapshot-history"),
            LinearizableTimeout = ra.GetTimeSpan("replication.linearizable-timeout"),
            RecentWriteIds = member.GetInt("recent-write-ids"),
            ReconfigCommitmentWait = member.GetTimeSpan("reconfig-commitment-wait"),
            RemotingPortOffset = ra.GetInt("remoting.port-offset"),
        };
        settings.Validate();
        return settings;
    }

    private void Validate()
    {
        if (string.IsNullOrWhiteSpace(ReplSetName))
            throw new ConfigurationException("replica-actors.member.replSet is empty: give the replica set a name (--replSet NAME)");
        if (Port is < 0 or > 65535)
            throw new ConfigurationException($"replica-actors.member.port {Port} is not a TCP port (1..65535, or 0 for any free port)");
        if (Port != 0 && !Config.RemotingEndpoint.Fits(Port, RemotingPortOffset))
            throw new ConfigurationException(
                $"replica-actors.member.port {Port} leaves no remoting port: {Port} + replica-actors.remoting.port-offset {RemotingPortOffset} is outside 1..65535");
        if (MaxDocumentBytes <= 0 || MaxWritesPerBatch <= 0 || ReaderCount <= 0)
            throw new ConfigurationException("replica-actors.member: max-document-bytes, max-writes-per-batch and reader-count must be positive");
        if (OplogWindowBytes <= 0 || FetchBatchEntries <= 0 || FetchAwaitData <= TimeSpan.Zero || MaintenanceInterval <= TimeSpan.Zero)
            throw new ConfigurationException("replica-actors: oplog.window-bytes, replication.batch-entries, replication.await-data and replication.maintenance-interval must be positive");
        if (ReconfigCommitmentWait < TimeSpan.Zero)
            throw new ConfigurationException("replica-actors.member.reconfig-commitment-wait must not be negative");
        if (SnapshotHistory < TimeSpan.Zero || LinearizableTimeout <= TimeSpan.Zero || RecentWriteIds <= 0)
            throw new ConfigurationException("replica-actors: replication.snapshot-history must not be negative, replication.linearizable-timeout and member.recent-write-ids must be positive");
        if (RestartBackoff.Min <= TimeSpan.Zero || RestartBackoff.Max < RestartBackoff.Min)
            throw new ConfigurationException("replica-actors.member: restart-backoff-min must be positive and restart-backoff-max at least restart-backoff-min");
        if (OplogSizeBytes <= 0 || OplogMinRetentionHours < 0 || OplogTruncateInterval <= TimeSpan.Zero)
            throw new ConfigurationException($"replica-actors.oplog: size-bytes ({OplogSizeBytes}) and truncate-interval must be positive, min-retention-hours ({OplogMinRetentionHours}) not negative");
    }
}
