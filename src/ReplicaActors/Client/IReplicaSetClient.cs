using ReplicaActors.Protocol;

namespace ReplicaActors.Client;

/// <summary>
/// Runs commands against a replica set: writes on the primary, reads by read preference, admin commands on the
/// first seed that answers; waits for a suitable member and retries once across a failover.
/// </summary>
public interface IReplicaSetClient : IAsyncDisposable
{
    /// <summary>The set as the client sees it now (seeds only until monitoring has started).</summary>
    TopologyDescription Topology { get; }

    /// <param name="readPreference">For reads only; null means the command's own <c>$readPreference</c>, else primary.</param>
    Task<CommandReply> RunCommandAsync(CommandRequest request, ReadPreference? readPreference = null, CancellationToken cancellationToken = default);

    /// <summary>Monitors the set until <paramref name="condition"/> holds, or fails after the server selection timeout.</summary>
    Task<TopologyDescription> WaitForTopologyAsync(Func<TopologyDescription, bool> condition, CancellationToken cancellationToken = default);
}
