using Akka.Configuration;

namespace ReplicaActors.Replication;

/// <summary>The <c>replica-actors.initial-sync</c> HOCON section: how a member with no data clones a source.</summary>
public sealed record InitialSyncSettings(int MaxAttempts, TimeSpan RetryDelay, TimeSpan SourceTimeout, int BatchDocuments, long BatchBytes)
{
    public static InitialSyncSettings From(Akka.Configuration.Config section)
    {
        var settings = new InitialSyncSettings(
            section.GetInt("max-attempts"),
            section.GetTimeSpan("retry-delay"),
            section.GetTimeSpan("source-timeout"),
            section.GetInt("batch-documents"),
            section.GetByteSize("batch-bytes") ?? throw new ConfigurationException("replica-actors.initial-sync.batch-bytes is missing"));
        if (settings.MaxAttempts <= 0 || settings.RetryDelay < TimeSpan.Zero || settings.SourceTimeout <= TimeSpan.Zero
            || settings.BatchDocuments <= 0 || settings.BatchBytes <= 0)
            throw new ConfigurationException("replica-actors.initial-sync: max-attempts, source-timeout, batch-documents and batch-bytes must be positive, retry-delay not negative");
        return settings;
    }
}
