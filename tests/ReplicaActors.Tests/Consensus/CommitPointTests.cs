using ReplicaActors.Config;
using ReplicaActors.Consensus;
using ReplicaActors.Protocol;
using static ReplicaActors.Tests.Config.ConfigFixtures;
using static ReplicaActors.Tests.Consensus.ConsensusFixtures;

namespace ReplicaActors.Tests.Consensus;

/// <summary>Durable OpTimes are written "0:10 1:8 2:5" (member:second), all in term 3 unless "0:10/2".</summary>
public class CommitPointTests
{
    private static IReadOnlyDictionary<int, OpTime> Durable(string spec) =>
        spec.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(part =>
        {
            var (member, rest) = (int.Parse(part[..part.IndexOf(':')]), part[(part.IndexOf(':') + 1)..]);
            var slash = rest.IndexOf('/');
            var op = slash < 0 ? Op(uint.Parse(rest), 3) : Op(uint.Parse(rest[..slash]), long.Parse(rest[(slash + 1)..]));
            return (member, op);
        }).ToDictionary(p => p.member, p => p.op);

    public static TheoryData<string, ReplicaSetConfig, string, uint> Cases => new()
    {
        { "P-S-S: the second newest is durable on two of three", SetOf(3), "0:10 1:8 2:5", 8 },
        { "P-S-S with one member silent", SetOf(3), "0:10 1:8", 8 },
        { "P-S-S with only the primary: nothing committed", SetOf(3), "0:10", 0 },
        { "five members need three", SetOf(5), "0:10 1:9 2:8 3:7 4:6", 8 },
        { "P-S-A: the arbiter does not count, both data members must have it", Set(ConfigMember(0), ConfigMember(1), Arbiter(2)), "0:10 1:8 2:10", 8 },
        { "non-voters do not count", Set(ConfigMember(0), ConfigMember(1), ConfigMember(2), NonVoter(3), NonVoter(4)), "0:10 1:2 2:1 3:10 4:10", 2 },
        { "an entry of an older term is not committed by counting", SetOf(3), "0:10 1:8/2 2:5/2", 0 },
        { "one member alone commits its own writes", SetOf(1), "0:10", 10 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_commit_point_is_the_newest_write_majority_durable_OpTime_of_this_term(string story, ReplicaSetConfig config, string durable, uint expectedSecs)
    {
        var point = CommitPoint.Compute(config, primaryTerm: 3, Durable(durable), OpTime.Null);

        Assert.True((expectedSecs == 0 ? OpTime.Null : Op(expectedSecs, 3)) == point, $"{story}: got {point}");
    }

    [Fact]
    public void The_commit_point_never_moves_backwards()
    {
        var point = CommitPoint.Compute(SetOf(3), 3, Durable("0:10 1:4 2:4"), current: Op(6, 3));

        Assert.Equal(Op(6, 3), point);
    }
}

/// <summary>A commit point heard from another member counts only where it lies on this member's own history.</summary>
public class CommitPointLearningTests
{
    private static OpTime Op(uint seconds, uint increment, long term) => new(new Timestamp(seconds, increment), term);

    [Fact]
    public void A_deposed_primary_does_not_take_the_new_terms_commit_point_as_its_own()
    {
        // Signature 1 of the fault runs: newest own entry (…287:3, t 1), the new primary's commit point (…285:1, t 2).
        var learned = CommitPoint.Learn(current: Op(1796623280, 1, 1), heard: Op(1796623285, 1, 2), lastOpTime: Op(1796623287, 3, 1));

        Assert.Equal(Op(1796623280, 1, 1), learned);
    }

    [Fact]
    public void A_commit_point_in_the_term_of_the_newest_entry_is_taken_up_to_that_entry()
    {
        Assert.Equal(Op(20, 0, 2), CommitPoint.Learn(Op(10, 0, 2), heard: Op(30, 0, 2), lastOpTime: Op(20, 0, 2)));
        Assert.Equal(Op(15, 0, 2), CommitPoint.Learn(Op(10, 0, 2), heard: Op(15, 0, 2), lastOpTime: Op(20, 0, 2)));
    }

    [Fact]
    public void A_commit_point_of_an_older_term_than_the_newest_entry_waits_for_one_of_its_term()
    {
        // MongoDB's rule: an older-term point may lie on a branch this member left.
        Assert.Equal(OpTime.Null, CommitPoint.Learn(OpTime.Null, heard: Op(15, 0, 1), lastOpTime: Op(20, 0, 2)));
    }

    [Fact]
    public void The_learned_commit_point_never_moves_back()
    {
        Assert.Equal(Op(18, 0, 2), CommitPoint.Learn(Op(18, 0, 2), heard: Op(12, 0, 2), lastOpTime: Op(20, 0, 2)));
    }
}
