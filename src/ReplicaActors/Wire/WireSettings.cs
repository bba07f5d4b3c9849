using Akka.Configuration;

namespace ReplicaActors.Wire;

/// <summary>The wire listener's settings, read once from <c>replica-actors.wire</c>.</summary>
public sealed record WireSettings(
    int MaxMessageBytes,
    int MaxConnections,
    TimeSpan CommandTimeout,
    TimeSpan HelloTimeout,
    TimeSpan CursorIdleTimeout,
    TimeSpan CursorSweepInterval,
    int DefaultBatchSize,
    long MaxBatchBytes,
    int LogicalSessionTimeoutMinutes,
    TimeSpan TopologyPollInterval,
    TimeSpan AfterClusterTimePollInterval,
    IReadOnlyList<string> Compressors,
    TimeSpan ChangeStreamAwait,
    TimeSpan ChangeStreamCommitPollInterval,
    int ChangeStreamRememberedDocuments,
    int ChangeStreamSharedTailEntries)
{
    public static WireSettings From(Akka.Configuration.Config root)
    {
        var wire = root.GetConfig("replica-actors.wire") ?? throw new ConfigurationException("missing the replica-actors.wire section");
        var settings = new WireSettings(
            wire.GetInt("max-message-bytes"),
            wire.GetInt("max-connections"),
            wire.GetTimeSpan("command-timeout"),
            wire.GetTimeSpan("hello-timeout"),
            wire.GetTimeSpan("cursor-idle-timeout"),
            wire.GetTimeSpan("cursor-sweep-interval"),
            wire.GetInt("default-batch-size"),
            wire.GetByteSize("max-batch-bytes") ?? throw new ConfigurationException("replica-actors.wire.max-batch-bytes is missing"),
            wire.GetInt("logical-session-timeout-minutes"),
            wire.GetTimeSpan("topology-poll-interval"),
            wire.GetTimeSpan("after-cluster-time-poll-interval"),
            wire.GetStringList("compressors").ToList(),
            wire.GetTimeSpan("change-streams.max-await"),
            wire.GetTimeSpan("change-streams.commit-poll-interval"),
            wire.GetInt("change-streams.remembered-documents"),
            wire.GetInt("change-streams.shared-tail-entries"));
        if (settings.MaxMessageBytes < MessageHeader.Size || settings.MaxConnections <= 0 || settings.DefaultBatchSize < 0 || settings.MaxBatchBytes <= 0
            || settings.CommandTimeout <= TimeSpan.Zero || settings.HelloTimeout <= TimeSpan.Zero
            || settings.CursorIdleTimeout <= TimeSpan.Zero || settings.CursorSweepInterval <= TimeSpan.Zero || settings.LogicalSessionTimeoutMinutes <= 0 || settings.TopologyPollInterval <= TimeSpan.Zero
            || settings.AfterClusterTimePollInterval <= TimeSpan.Zero || settings.ChangeStreamAwait < TimeSpan.Zero
            || settings.ChangeStreamCommitPollInterval <= TimeSpan.Zero || settings.ChangeStreamRememberedDocuments < 0
            || settings.ChangeStreamSharedTailEntries <= 0)
            throw new ConfigurationException("replica-actors.wire: sizes, counts and timeouts must be positive (default-batch-size, "
                                             + "change-streams.max-await and change-streams.remembered-documents may be 0)");
        if (settings.Compressors.FirstOrDefault(name => !Compression.Supports(name)) is { } unknown)
            throw new ConfigurationException($"replica-actors.wire.compressors: '{unknown}' is not one this server has (zlib, noop)");
        return settings;
    }
}
