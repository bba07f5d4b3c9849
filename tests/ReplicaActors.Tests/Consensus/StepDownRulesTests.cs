using ReplicaActors.Config;
using ReplicaActors.Consensus;
using ReplicaActors.Protocol;
using static ReplicaActors.Tests.Config.ConfigFixtures;
using static ReplicaActors.Tests.Consensus.ConsensusFixtures;

namespace ReplicaActors.Tests.Consensus;

/// <summary>Member 0 is primary of a five-member set with its newest write at (100, t4); member 4 has priority 0.</summary>
public class StepDownRulesTests
{
    private static readonly ReplicaSetConfig Config = Set(ConfigMember(0), ConfigMember(1, 2), ConfigMember(2, 5), ConfigMember(3), ConfigMember(4, 0));

    public static TheoryData<string, MemberView[], bool> Cases => new()
    {
        { "two secondaries caught up: majority of three and an electable successor", [Secondary(1, Op(100, 4)), Secondary(2, Op(100, 4)), Secondary(3, Op(90, 4)), Secondary(4, Op(90, 4))], true },
        { "only one secondary caught up: two of five is no majority", [Secondary(1, Op(100, 4)), Secondary(2, Op(90, 4)), Secondary(3, Op(90, 4)), Secondary(4, Op(90, 4))], false },
        { "only the priority-0 member caught up", [Secondary(1, Op(90, 4)), Secondary(2, Op(90, 4)), Secondary(3, Op(90, 4)), Secondary(4, Op(100, 4))], false },
        { "majority via a priority-0 member plus one electable", [Secondary(1, Op(90, 4)), Secondary(2, Op(100, 4)), Secondary(3, Op(90, 4)), Secondary(4, Op(100, 4))], true },
        { "caught-up members that are down do not count", [Down(1, Op(100, 4)), Down(2, Op(100, 4)), Secondary(3, Op(90, 4)), Secondary(4, Op(90, 4))], false },
        { "a member past it in another term does not count", [Secondary(1, Op(120, 5)), Secondary(2, Op(120, 5)), Secondary(3, Op(90, 4)), Secondary(4, Op(90, 4))], false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_primary_steps_down_only_when_safe(string story, MemberView[] others, bool safe)
    {
        var check = StepDownRules.CanStepDown(Config, 0, Op(100, 4), others);

        Assert.True(safe == check.Safe, $"{story}: {check.Reason}");
    }

    [Fact]
    public void The_election_goes_to_the_caught_up_secondary_of_highest_priority()
    {
        var others = new[] { Secondary(1, Op(100, 4)), Secondary(2, Op(99, 4)), Secondary(3, Op(100, 4)), Secondary(4, Op(100, 4)) };

        Assert.Equal(1, StepDownRules.ChooseHandoffCandidate(Config, 0, Op(100, 4), others)?.Id);
        Assert.Equal(2, StepDownRules.ChooseHandoffCandidate(Config, 0, Op(99, 4), others)?.Id);
        Assert.Null(StepDownRules.ChooseHandoffCandidate(Config, 0, Op(101, 4), others));
    }

    [Theory]
    [InlineData("sees everyone", "1 2 3 4", false)]
    [InlineData("sees two others: three of five", "1 2", false)]
    [InlineData("sees one other: two of five", "1", true)]
    [InlineData("sees nobody", "", true)]
    public void A_primary_that_cannot_see_a_majority_of_voters_steps_down(string story, string up, bool stepDown)
    {
        var upIds = up.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToHashSet();
        var others = Enumerable.Range(1, 4).Select(id => upIds.Contains(id) ? Secondary(id, Op(100, 4)) : Down(id)).ToList();

        Assert.True(stepDown == StepDownRules.ShouldStepDownForLostMajority(Config, 0, others), story);
    }

    [Fact]
    public void Non_voters_do_not_keep_a_primary_in_place()
    {
        var config = Set(ConfigMember(0), ConfigMember(1), ConfigMember(2), NonVoter(3), NonVoter(4));

        Assert.True(StepDownRules.ShouldStepDownForLostMajority(config, 0, [Down(1), Down(2), Secondary(3, Op(1, 1)), Secondary(4, Op(1, 1))]));
    }

    [Theory]
    [InlineData(60, 10, true)]
    [InlineData(11, 10, true)]
    [InlineData(10, 10, false)]
    [InlineData(60, -1, false)]
    public void StepDownSecs_must_outlast_the_catch_up_period(long stepDownSecs, long catchUpSecs, bool valid)
    {
        var e = Record.Exception(() => StepDownRules.ValidateArguments(stepDownSecs, catchUpSecs));

        Assert.Equal(valid ? null : ErrorCode.BadValue, (e as ReplicaException)?.Code);
    }
}
