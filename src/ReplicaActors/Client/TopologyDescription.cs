namespace ReplicaActors.Client;

/// <summary>
/// A snapshot of the set as a client sees it: its name (once a member has told it), every known member with
/// its state and round-trip time, and the highest election term a primary has reported.
/// </summary>
public sealed record TopologyDescription(string? SetName, IReadOnlyList<ServerDescription> Members, long? MaxElectionTerm = null)
{
    public static TopologyDescription FromSeeds(IEnumerable<string> seeds) =>
        new(null, seeds.Distinct().Select(s => ServerDescription.Unknown(s)).ToList());

    public ServerDescription? Primary => Members.FirstOrDefault(m => m.Type == ServerType.RSPrimary);

    public ServerDescription? Find(string host) => Members.FirstOrDefault(m => m.Host == host);

    /// <summary>"a (PRIMARY), b (unknown: cannot connect...)": what the client saw, for error messages.</summary>
    public string Describe() => string.Join(", ", Members.Select(m => $"{m.Host} ({m.State})"));
}
