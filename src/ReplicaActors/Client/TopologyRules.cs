namespace ReplicaActors.Client;

/// <summary>
/// How one heartbeat outcome changes what a client knows of the set (MongoDB's SDAM rules, for replica sets only).
/// Pure: the caller supplies the round-trip sample and the time.
/// </summary>
public static class TopologyRules
{
    /// <summary>Weight of a new round-trip sample in the moving average (SDAM's alpha).</summary>
    public const double RoundTripWeight = 0.2;

    public static double AverageRoundTrip(double? previous, double sample) =>
        previous is { } p ? RoundTripWeight * sample + (1 - RoundTripWeight) * p : sample;

    public static TopologyDescription Failed(TopologyDescription topology, string host, string error) =>
        topology.Find(host) is null ? topology : Replace(topology, ServerDescription.Unknown(host, error));

    public static TopologyDescription Answered(TopologyDescription topology, string host, HelloReply hello, double roundTripMillis, DateTimeOffset now)
    {
        if (topology.Find(host) is not { } current) return topology;
        if (hello.SetName is { } name && topology.SetName is { } known && name != known)
            return Failed(topology, host, $"belongs to set '{name}', not '{known}'");
        // The member calls itself by another name: keep one entry per member, under the name the set uses.
        if (hello.SetName is not null && hello.Me is { } me && me != host)
            return AddUnknown(topology with { Members = topology.Members.Where(m => m.Host != host).ToList() }, [me]);

        var previousRoundTrip = current.Type == ServerType.Unknown ? (double?)null : current.RoundTripMillis;
        var server = new ServerDescription(
            host, hello.Type, AverageRoundTrip(previousRoundTrip, roundTripMillis), hello.Tags, now,
            hello.LastWriteDate ?? default, hello.Hidden, Delayed: false, ElectionTerm: hello.ElectionTerm);
        var updated = Replace(topology, server) with { SetName = topology.SetName ?? hello.SetName };
        if (server.Type == ServerType.RSPrimary)
        {
            if (hello.ElectionTerm < topology.MaxElectionTerm)
                return Failed(updated, host, $"claims to be primary in term {hello.ElectionTerm}, but term {topology.MaxElectionTerm} has a newer primary");
            updated = RemoveOthersNotIn(DemoteOtherPrimaries(updated, host), host, hello.KnownMembers) with
            {
                MaxElectionTerm = Max(topology.MaxElectionTerm, hello.ElectionTerm),
            };
        }
        return AddUnknown(updated, hello.KnownMembers);
    }

    private static TopologyDescription DemoteOtherPrimaries(TopologyDescription topology, string primary) =>
        topology with
        {
            Members = topology.Members
                .Select(m => m.Type == ServerType.RSPrimary && m.Host != primary
                    ? ServerDescription.Unknown(m.Host, $"{primary} is primary now")
                    : m)
                .ToList(),
        };

    /// <summary>The primary's config is the set's membership: a member it does not list has been removed.</summary>
    private static TopologyDescription RemoveOthersNotIn(TopologyDescription topology, string primary, IEnumerable<string> members)
    {
        var listed = members.ToHashSet();
        return topology with { Members = topology.Members.Where(m => m.Host == primary || listed.Contains(m.Host)).ToList() };
    }

    private static TopologyDescription AddUnknown(TopologyDescription topology, IEnumerable<string> hosts)
    {
        var added = hosts.Where(h => topology.Find(h) is null).Distinct().Select(h => ServerDescription.Unknown(h)).ToList();
        return added.Count == 0 ? topology : topology with { Members = [.. topology.Members, .. added] };
    }

    private static TopologyDescription Replace(TopologyDescription topology, ServerDescription server) =>
        topology with { Members = topology.Members.Select(m => m.Host == server.Host ? server : m).ToList() };

    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}
