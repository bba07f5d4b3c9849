using ReplicaActors.Config;
using ReplicaActors.Consensus;
using ReplicaActors.Protocol;
using static ReplicaActors.Tests.Config.ConfigFixtures;
using static ReplicaActors.Tests.Consensus.ConsensusFixtures;

namespace ReplicaActors.Tests.Consensus;

/// <summary>
/// Member 0 hears a heartbeat from the primary, member 1. Priorities: 0 → 3, 1 → 1, 2 → 2, 3 → 0.
/// Both are in term 4; member 0 has applied up to (100, t4) and so has the primary unless a row says otherwise.
/// </summary>
public class TakeoverRulesTests
{
    private static readonly ReplicaSetConfig Config = Set(ConfigMember(0, 3), ConfigMember(1, 1), ConfigMember(2, 2), ConfigMember(3, 0));

    private static readonly TakeoverState Heartbeat = new(Config, 0, 4, Op(100, 4), 1, 4, Op(100, 4));

    public static TheoryData<string, TakeoverState, TakeoverKind, double> Cases => new()
    {
        { "the highest priority member takes over after one election timeout", Heartbeat, TakeoverKind.Priority, 10000 },
        { "the second highest waits two timeouts", Heartbeat with { SelfId = 2 }, TakeoverKind.Priority, 20000 },
        { "a member of lower priority than the primary does nothing", Heartbeat with { Config = Set(ConfigMember(0, 1), ConfigMember(1, 3)) }, TakeoverKind.None, 0 },
        { "a priority 0 member does nothing", Heartbeat with { SelfId = 3 }, TakeoverKind.None, 0 },
        { "a primary of another term is not taken over", Heartbeat with { PrimaryTerm = 3 }, TakeoverKind.None, 0 },
        { "a fresher member waits for a catching-up primary 30 s", Heartbeat with { SelfId = 2, MyApplied = Op(120, 3), PrimaryApplied = Op(100, 3) }, TakeoverKind.CatchUp, 30000 },
        { "the top-priority fresher member uses a priority takeover instead", Heartbeat with { MyApplied = Op(120, 3), PrimaryApplied = Op(100, 3) }, TakeoverKind.Priority, 10000 },
        { "catch-up takeover is off with catchUpTakeoverDelayMillis -1", Heartbeat with { SelfId = 2, MyApplied = Op(120, 3), PrimaryApplied = Op(100, 3), Config = Config with { Settings = new ReplicaSetSettings { CatchUpTakeoverDelayMillis = -1 } } }, TakeoverKind.Priority, 20000 },
        { "no catch-up takeover once this member applied something of the current term", Heartbeat with { SelfId = 2, MyApplied = Op(120, 4), PrimaryApplied = Op(100, 3) }, TakeoverKind.Priority, 20000 },
        { "equal priorities: nothing to take over", Heartbeat with { Config = Set(ConfigMember(0), ConfigMember(1)) }, TakeoverKind.None, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void On_a_heartbeat_from_the_primary_a_secondary_schedules(string story, TakeoverState state, TakeoverKind kind, double delayMillis)
    {
        var decision = TakeoverRules.Decide(state, random01: 0);

        Assert.True(kind == decision.Kind, $"{story}: {decision.Reason}");
        Assert.Equal(delayMillis, decision.Delay.TotalMilliseconds);
    }

    [Fact]
    public void The_takeover_delay_carries_the_election_jitter()
    {
        Assert.Equal(20750, TakeoverRules.PriorityTakeoverDelay(Config, 2, random01: 0.5).TotalMilliseconds, 3);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(2, 1)]
    [InlineData(1, 2)]
    [InlineData(3, 3)]
    public void The_priority_rank_counts_members_of_higher_priority(int member, int rank)
    {
        Assert.Equal(rank, TakeoverRules.PriorityRank(Config, member));
    }

    [Theory]
    [InlineData("the same OpTime", 100u, 0u, 4L, 100u, 0u, true)]
    [InlineData("2 s behind", 98u, 0u, 4L, 100u, 50u, true)]
    [InlineData("3 s behind", 97u, 0u, 4L, 100u, 0u, false)]
    [InlineData("same second, 1000 increments behind", 100u, 5u, 4L, 100u, 1005u, true)]
    [InlineData("same second, 1001 increments behind", 100u, 5u, 4L, 100u, 1006u, false)]
    [InlineData("caught up but in an older term", 100u, 0u, 3L, 100u, 0u, false)]
    public void A_priority_takeover_needs_this_member_within_2_s_of_the_newest_write(string story, uint mySecs, uint myInc, long myTerm, uint newestSecs, uint newestInc, bool fresh)
    {
        Assert.True(fresh == TakeoverRules.IsFreshEnoughForPriorityTakeover(Op(mySecs, myTerm, myInc), Op(newestSecs, 4, newestInc), TimeSpan.FromSeconds(2)), story);
    }

    [Theory]
    [InlineData("freshest, ahead of the primary, nothing of this term yet", 120u, 3L, 110u, true)]
    [InlineData("another member is fresher", 120u, 3L, 130u, false)]
    [InlineData("not ahead of the primary", 100u, 3L, 90u, false)]
    [InlineData("already applied something of the current term", 120u, 4L, 110u, false)]
    public void A_catch_up_takeover_needs_the_freshest_member_ahead_of_the_primary(string story, uint mySecs, long myTerm, uint otherSecs, bool fresh)
    {
        var others = new[] { Primary(1, Op(100, 3)), Secondary(2, Op(otherSecs, 3)), Down(3, Op(500, 3)) };

        Assert.True(fresh == TakeoverRules.IsFreshEnoughForCatchUpTakeover(Op(mySecs, myTerm), currentTerm: 4, Op(100, 3), others), story);
    }
}
