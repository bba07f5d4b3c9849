namespace ReplicaActors.Cluster.Tests.ReplicaSet;

/// <summary>
/// Deadlines for the fast profile (200 ms heartbeats, 2 s heartbeat timeout, 1 s election timeout),
/// with 2-3x headroom for two shared cores.
/// </summary>
internal static class Timeouts
{
    /// <summary>A lost primary noticed (heartbeat timeout), an election timeout, a dry run and a real round.</summary>
    public static readonly TimeSpan Election = TimeSpan.FromSeconds(20);

    /// <summary>A primary without a majority notices it and steps down.</summary>
    public static readonly TimeSpan StepDown = TimeSpan.FromSeconds(15);

    /// <summary>Several election timeouts: long enough for a member that wrongly stands to have won.</summary>
    public static readonly TimeSpan SeveralElectionTimeouts = TimeSpan.FromSeconds(6);

    /// <summary>Replication of a write to a secondary, or its commit point.</summary>
    public static readonly TimeSpan Replication = TimeSpan.FromSeconds(15);
}
