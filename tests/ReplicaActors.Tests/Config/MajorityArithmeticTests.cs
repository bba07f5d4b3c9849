using ReplicaActors.Config;
using static ReplicaActors.Tests.Config.ConfigFixtures;

namespace ReplicaActors.Tests.Config;

public class MajorityArithmeticTests
{
    public static TheoryData<string, ReplicaSetConfig, int, int, int> Sets => new()
    {
        { "one member", SetOf(1), 1, 1, 1 },
        { "P-S-S", SetOf(3), 3, 2, 2 },
        { "P-S-A", Set(ConfigMember(0), ConfigMember(1), Arbiter(2)), 3, 2, 2 },
        { "P-S-S-A", Set(ConfigMember(0), ConfigMember(1), ConfigMember(2), Arbiter(3)), 4, 3, 3 },
        { "P-A-A", Set(ConfigMember(0), Arbiter(1), Arbiter(2)), 3, 2, 1 },
        { "four voters", SetOf(4), 4, 3, 3 },
        { "P-S-S and two non-voters", Set(ConfigMember(0), ConfigMember(1), ConfigMember(2), NonVoter(3), NonVoter(4)), 3, 2, 2 },
        { "seven voters", SetOf(7), 7, 4, 4 },
    };

    [Theory]
    [MemberData(nameof(Sets))]
    public void Majorities_count_voters_and_voting_data_bearers(string story, ReplicaSetConfig config, int voters, int voteMajority, int writeMajority)
    {
        Assert.True(voters == config.VoterCount, story);
        Assert.Equal(voteMajority, config.MajorityVoteCount);
        Assert.Equal(writeMajority, config.WriteMajorityCount);
    }

    [Fact]
    public void Members_are_found_by_id_and_by_host_ignoring_case()
    {
        var config = Set(ConfigMember(0), new MemberConfig(1, "Node-B:27017"));

        Assert.Equal(1, config.FindByHost("node-b:27017")!.Id);
        Assert.Equal("Node-B:27017", config.FindById(1)!.Host);
        Assert.Null(config.FindById(9));
        Assert.Null(config.FindByHost("nowhere:1"));
    }

    [Theory]
    [InlineData(1.0, 1, false, true)]
    [InlineData(0.0, 1, false, false)]
    [InlineData(1.0, 0, false, false)]
    [InlineData(0.0, 1, true, false)]
    public void Electable_means_priority_above_zero_a_vote_and_data(double priority, int votes, bool arbiter, bool electable)
    {
        var member = new MemberConfig(0, "h:1") { Priority = priority, Votes = votes, ArbiterOnly = arbiter };

        Assert.Equal(electable, ReplicaSetConfig.IsElectable(member));
    }

    [Theory]
    [InlineData(1, 5, 2, 4, 1)]
    [InlineData(2, 1, 1, 9, -1)]
    [InlineData(3, -1, 2, 5, 1)]
    [InlineData(3, 7, 3, -1, 0)]
    public void Configs_are_ordered_by_term_then_version_unless_forced(long v1, long t1, long v2, long t2, int sign)
    {
        Assert.Equal(sign, Math.Sign(new ConfigVersionAndTerm(v1, t1).CompareTo(new ConfigVersionAndTerm(v2, t2))));
    }
}
