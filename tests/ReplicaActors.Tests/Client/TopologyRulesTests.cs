using MongoDB.Bson;
using ReplicaActors.Client;
using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.Client;

public class TopologyRulesTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static HelloReply Hello(string json) => HelloReply.Parse(BsonDocument.Parse(json));

    private static TopologyDescription Answered(TopologyDescription topology, string host, string hello, double rtt = 10) =>
        TopologyRules.Answered(topology, host, Hello(hello), rtt, Now);

    private static string Shape(TopologyDescription topology) =>
        string.Join(", ", topology.Members.Select(m => $"{m.Host} {m.Type}"));

    [Fact]
    public void A_secondary_teaches_the_set_name_and_every_member_it_lists()
    {
        var topology = Answered(TopologyDescription.FromSeeds(["b"]), "b",
            "{secondary: true, setName: 'rs0', hosts: ['a', 'b'], passives: ['p'], arbiters: ['x'], primary: 'a', me: 'b'}");

        Assert.Equal("rs0", topology.SetName);
        Assert.Equal("b RSSecondary, a Unknown, p Unknown, x Unknown", Shape(topology));
    }

    [Fact]
    public void A_primary_with_a_higher_term_replaces_the_one_known_before()
    {
        var topology = Answered(TopologyDescription.FromSeeds(["a", "b"]), "a", "{isWritablePrimary: true, setName: 'rs0', hosts: ['a', 'b'], electionTerm: 3}");

        topology = Answered(topology, "b", "{isWritablePrimary: true, setName: 'rs0', hosts: ['a', 'b'], electionTerm: 4}");

        Assert.Equal("a Unknown, b RSPrimary", Shape(topology));
        Assert.Equal("unknown: b is primary now", topology.Find("a")!.State);
        Assert.Equal(4, topology.MaxElectionTerm);
    }

    [Fact]
    public void A_primary_of_an_older_term_is_stale_and_not_believed()
    {
        var topology = Answered(TopologyDescription.FromSeeds(["a", "b"]), "b", "{isWritablePrimary: true, setName: 'rs0', hosts: ['a', 'b'], electionTerm: 4}");

        topology = Answered(topology, "a", "{isWritablePrimary: true, setName: 'rs0', hosts: ['a', 'b'], electionTerm: 3}");

        Assert.Equal("a Unknown, b RSPrimary", Shape(topology));
        Assert.Equal("unknown: claims to be primary in term 3, but term 4 has a newer primary", topology.Find("a")!.State);
    }

    [Fact]
    public void The_primary_s_member_list_removes_members_no_longer_in_the_config()
    {
        var topology = TopologyDescription.FromSeeds(["a", "b", "gone"]);

        topology = Answered(topology, "a", "{isWritablePrimary: true, setName: 'rs0', hosts: ['a', 'b']}");

        Assert.Equal("a RSPrimary, b Unknown", Shape(topology));
    }

    [Fact]
    public void A_member_of_another_set_is_unknown_with_the_reason()
    {
        var topology = Answered(TopologyDescription.FromSeeds(["a", "b"]), "a", "{secondary: true, setName: 'rs0', hosts: ['a', 'b']}");

        topology = Answered(topology, "b", "{isWritablePrimary: true, setName: 'other', hosts: ['b']}");

        Assert.Equal("unknown: belongs to set 'other', not 'rs0'", topology.Find("b")!.State);
    }

    [Fact]
    public void A_seed_the_member_calls_by_another_name_is_replaced_by_that_name()
    {
        var topology = Answered(TopologyDescription.FromSeeds(["localhost:1"]), "localhost:1",
            "{isWritablePrimary: true, setName: 'rs0', hosts: ['127.0.0.1:1'], me: '127.0.0.1:1'}");

        Assert.Equal("127.0.0.1:1 Unknown", Shape(topology));
    }

    [Theory]
    [InlineData("{}", ServerType.RSGhost)]
    [InlineData("{isWritablePrimary: true, setName: 'rs0'}", ServerType.RSPrimary)]
    [InlineData("{secondary: true, setName: 'rs0'}", ServerType.RSSecondary)]
    [InlineData("{secondary: true, hidden: true, setName: 'rs0'}", ServerType.RSOther)]
    [InlineData("{arbiterOnly: true, setName: 'rs0'}", ServerType.RSArbiter)]
    [InlineData("{setName: 'rs0'}", ServerType.RSOther)]
    public void Hello_classifies_the_member(string hello, ServerType type) => Assert.Equal(type, Hello(hello).Type);

    [Fact]
    public void Hello_reads_tags_last_write_date_and_election_term()
    {
        var hello = Hello("{isWritablePrimary: true, setName: 'rs0', tags: {dc: 'east'}, electionTerm: NumberLong(7), "
            + "lastWrite: {opTime: {ts: Timestamp(5, 1), t: NumberLong(7)}, lastWriteDate: ISODate('2025-01-01T11:59:00Z')}}");

        Assert.Equal("east", hello.Tags["dc"]);
        Assert.Equal(Now.AddMinutes(-1), hello.LastWriteDate);
        Assert.Equal(7, hello.ElectionTerm);
    }

    [Theory]
    [InlineData(null, 30, 30)]
    [InlineData(10.0, 60, 20)]
    [InlineData(20.0, 20, 20)]
    public void Round_trip_time_is_a_moving_average_that_starts_at_the_first_sample(double? previous, double sample, double expected) =>
        Assert.Equal(expected, TopologyRules.AverageRoundTrip(previous, sample), 6);

    [Fact]
    public void A_member_that_failed_forgets_its_round_trip_time_and_starts_again_from_the_next_sample()
    {
        var topology = Answered(TopologyDescription.FromSeeds(["a"]), "a", "{isWritablePrimary: true, setName: 'rs0', hosts: ['a']}", rtt: 100);
        topology = TopologyRules.Failed(topology, "a", "timed out");

        topology = Answered(topology, "a", "{isWritablePrimary: true, setName: 'rs0', hosts: ['a']}", rtt: 4);

        Assert.Equal(4, topology.Find("a")!.RoundTripMillis);
    }
}
