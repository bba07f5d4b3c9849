using ReplicaActors.Config;
using ReplicaActors.Consensus;
using ReplicaActors.Protocol;
using static ReplicaActors.Tests.Config.ConfigFixtures;
using static ReplicaActors.Tests.Consensus.ConsensusFixtures;

namespace ReplicaActors.Tests.Consensus;

/// <summary>Member 0 is primary in term 3 with config version 4, term 3; members 1 and 2 are its peers.</summary>
public class ConfigCommitmentTests
{
    private static readonly ReplicaSetConfig Current = SetOf(3) with { Version = 4, Term = 3 };
    private static readonly ConfigVersionAndTerm Held = new(4, 3);

    private static string? Why(IReadOnlyDictionary<int, ConfigVersionAndTerm?> peers, uint commitSecs, long commitTerm) =>
        ConfigCommitment.WhyNotCommitted(Current, 0, peers, Op(commitSecs, commitTerm), term: 3);

    [Fact]
    public void Committed_when_a_majority_holds_it_and_an_entry_of_this_term_is_majority_committed()
    {
        Assert.Null(Why(new Dictionary<int, ConfigVersionAndTerm?> { [1] = Held }, 10, 3));
    }

    [Fact]
    public void Not_committed_while_no_entry_of_the_primarys_term_is_majority_committed()
    {
        // Elected, config stamped and spread, but the election no-op is not majority-committed yet.
        var why = Why(new Dictionary<int, ConfigVersionAndTerm?> { [1] = Held, [2] = Held }, 10, 2);

        Assert.Equal("no entry of this primary's term 3 is majority-committed yet (the commit point is { ts: Timestamp(10, 0), t: 2 })", why);
    }

    [Fact]
    public void Not_committed_while_the_peers_hold_an_older_stamp_of_the_same_version()
    {
        var why = Why(new Dictionary<int, ConfigVersionAndTerm?> { [1] = new ConfigVersionAndTerm(4, 2), [2] = null }, 10, 3);

        Assert.Equal("the current config { version: 4, term: 3 } is held by 1 of its voters, and a majority is 2", why);
    }
}
