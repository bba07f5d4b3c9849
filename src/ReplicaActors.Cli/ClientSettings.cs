using ReplicaActors.Client;

namespace ReplicaActors.Cli;

/// <summary>How to reach the replica set: the seed hosts, in order, and the client's options (direct mode, timeouts).</summary>
public sealed record ClientSettings(IReadOnlyList<string> Hosts, ReplicaSetClientOptions Options);
