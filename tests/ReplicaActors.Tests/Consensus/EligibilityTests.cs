using ReplicaActors.Protocol;
using ReplicaActors.Config;
using ReplicaActors.Consensus;
using static ReplicaActors.Tests.Config.ConfigFixtures;
using static ReplicaActors.Tests.Consensus.ConsensusFixtures;

namespace ReplicaActors.Tests.Consensus;

/// <summary>Member 0 of a five-member set (0..2 vote, 3 is priority 0, 4 is an arbiter) asks whether it may stand.</summary>
public class EligibilityTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly ReplicaSetConfig Config = Set(ConfigMember(0), ConfigMember(1), ConfigMember(2), ConfigMember(3, 0), Arbiter(4));

    private static readonly CandidacyState Ready = new(Config, 0, MemberState.Secondary, Op(100, 2),
        [Secondary(1, Op(100, 2)), Down(2), Secondary(3, Op(100, 2)), ArbiterView(4)], FrozenUntil: DateTimeOffset.MinValue);

    public static TheoryData<string, CandidacyState, UnelectableReason> Cases => new()
    {
        { "a secondary seeing 3 of 4 votes", Ready, UnelectableReason.None },
        { "not in the config", Ready with { SelfId = 9 }, UnelectableReason.NotInConfig },
        { "an arbiter", Ready with { SelfId = 4 }, UnelectableReason.Arbiter },
        { "priority 0", Ready with { SelfId = 3 }, UnelectableReason.NotElectableByConfig },
        { "frozen until a minute from now", Ready with { FrozenUntil = Now.AddMinutes(1) }, UnelectableReason.Frozen },
        { "frozen until exactly now has thawed", Ready with { FrozenUntil = Now }, UnelectableReason.None },
        { "already primary", Ready with { State = MemberState.Primary }, UnelectableReason.NotSecondary },
        { "recovering", Ready with { State = MemberState.Recovering }, UnelectableReason.NotSecondary },
        { "in initial sync", Ready with { State = MemberState.Startup2 }, UnelectableReason.NotSecondary },
        { "with no data", Ready with { LastApplied = OpTime.Null }, UnelectableReason.NoData },
        { "seeing only 2 of 4 votes", Ready with { Others = [Secondary(1, Op(100, 2)), Down(2), Down(4)] }, UnelectableReason.CannotSeeMajority },
        { "non-voters do not make a majority", Ready with { Others = [Down(1), Down(2), Secondary(3, Op(1, 1)), Down(4)] }, UnelectableReason.CannotSeeMajority },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_member_may_stand_only_when_every_condition_holds(string story, CandidacyState state, UnelectableReason expected)
    {
        var result = Eligibility.Check(state, Now);

        Assert.True(expected == result.Reason, $"{story}: {result.Message}");
        Assert.Equal(expected == UnelectableReason.None, result.CanStand);
        Assert.Equal(expected == UnelectableReason.None, result.Message.Length == 0);
    }
}
