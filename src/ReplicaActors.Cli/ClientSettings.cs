namespace ReplicaActors.Cli;

/// <summary>How to reach the replica set: the hosts to try in order, whether to stay on the first, and how long to wait for each.</summary>
public sealed record ClientSettings(IReadOnlyList<string> Hosts, bool Direct, TimeSpan Timeout);
