using ReplicaActors.Client;

namespace ReplicaActors.Cli;

/// <summary>
/// How to reach the replica set: the seed hosts, in order, the client's options (direct mode, timeouts), and the
/// transport's own settings (a client certificate for members that require TLS), or null for the defaults.
/// </summary>
public sealed record ClientSettings(IReadOnlyList<string> Hosts, ReplicaSetClientOptions Options, Akka.Configuration.Config? Transport);
