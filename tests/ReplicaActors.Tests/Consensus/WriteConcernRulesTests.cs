using ReplicaActors.Config;
using ReplicaActors.Consensus;
using ReplicaActors.Protocol;
using static ReplicaActors.Tests.Config.ConfigFixtures;
using static ReplicaActors.Tests.Consensus.ConsensusFixtures;

namespace ReplicaActors.Tests.Consensus;

public class WriteConcernRulesTests
{
    private static WriteConcern W(int n) => new(new WriteConcernW.Nodes(n));

    private static MemberConfig InDc(MemberConfig m, string dc) => m with { Tags = new Dictionary<string, string> { ["dc"] = dc } };

    /// <summary>Five data members in dcs east, east, west, west, north; mode "twoDCs" needs 2 dcs, "threeDCs" 3.</summary>
    private static readonly ReplicaSetConfig Tagged = Set(InDc(ConfigMember(0), "east"), InDc(ConfigMember(1), "east"), InDc(ConfigMember(2), "west"), InDc(ConfigMember(3), "west"), InDc(ConfigMember(4), "north")) with
    {
        Settings = new ReplicaSetSettings
        {
            GetLastErrorModes = new Dictionary<string, IReadOnlyDictionary<string, int>>
            {
                ["twoDCs"] = new Dictionary<string, int> { ["dc"] = 2 },
                ["fourDCs"] = new Dictionary<string, int> { ["dc"] = 4 },
            },
        },
    };

    public static TheoryData<string, ReplicaSetConfig, WriteConcern> DefaultCases => new()
    {
        { "P-S-S", SetOf(3), WriteConcern.Majority },
        { "one member", SetOf(1), WriteConcern.Majority },
        { "P-S-A", Set(ConfigMember(0), ConfigMember(1), Arbiter(2)), WriteConcern.Primary },
        { "P-S-S-A", Set(ConfigMember(0), ConfigMember(1), ConfigMember(2), Arbiter(3)), WriteConcern.Primary },
        { "P-S-S-S-A", Set(ConfigMember(0), ConfigMember(1), ConfigMember(2), ConfigMember(3), Arbiter(4)), WriteConcern.Majority },
    };

    [Theory]
    [MemberData(nameof(DefaultCases))]
    public void The_default_is_majority_unless_arbiters_leave_too_few_data_bearing_voters(string story, ReplicaSetConfig config, WriteConcern expected)
    {
        Assert.True(expected == WriteConcernRules.Default(config), story);
    }

    public static TheoryData<string, ReplicaSetConfig, WriteConcern> Satisfiable => new()
    {
        { "w: 3 in P-S-S", SetOf(3), W(3) },
        { "w: 0", SetOf(3), WriteConcern.Unacknowledged },
        { "majority in P-S-A", Set(ConfigMember(0), ConfigMember(1), Arbiter(2)), WriteConcern.Majority },
        { "w: 4 counts non-voters", Set(ConfigMember(0), ConfigMember(1), ConfigMember(2), NonVoter(3)), W(4) },
        { "two dcs of three", Tagged, new WriteConcern(new WriteConcernW.Tagged("twoDCs")) },
        { "no w: the default", SetOf(1), new WriteConcern(null) },
    };

    [Theory]
    [MemberData(nameof(Satisfiable))]
    public void Write_concerns_the_set_can_meet_pass(string story, ReplicaSetConfig config, WriteConcern wc)
    {
        var e = Record.Exception(() => WriteConcernRules.CheckSatisfiable(config, wc));

        Assert.True(e is null, $"{story}: {e?.Message}");
    }

    public static TheoryData<string, ReplicaSetConfig, WriteConcern, ErrorCode, string> Unsatisfiable => new()
    {
        { "w: 5 in P-S-S", SetOf(3), W(5), ErrorCode.CannotSatisfyWriteConcern, "not enough data-bearing members for w: 5; this set has 3" },
        { "w: 3 in P-S-A: arbiters hold no data", Set(ConfigMember(0), ConfigMember(1), Arbiter(2)), W(3), ErrorCode.CannotSatisfyWriteConcern, "this set has 2" },
        { "an unknown mode", SetOf(3), new WriteConcern(new WriteConcernW.Tagged("moon")), ErrorCode.UnknownReplWriteConcern, "unrecognized write concern mode 'moon'" },
        { "four dcs where there are three", Tagged, new WriteConcern(new WriteConcernW.Tagged("fourDCs")), ErrorCode.CannotSatisfyWriteConcern, "needs 4 distinct values of tag 'dc'; the data-bearing members have 3" },
    };

    [Theory]
    [MemberData(nameof(Unsatisfiable))]
    public void Write_concerns_the_set_can_never_meet_fail_at_once(string story, ReplicaSetConfig config, WriteConcern wc, ErrorCode code, string expected)
    {
        var e = Assert.Throws<ReplicaException>(() => WriteConcernRules.CheckSatisfiable(config, wc));

        Assert.True(code == e.Code, story);
        Assert.Contains(expected, e.Message);
    }

    /// <summary>
    /// The write is at (10, t3). Progress is written "0:10 1:10d 2:9": member 0 applied 10 and has it durable,
    /// 1 applied 10 but durable only at 9 ("10d" = durable behind), 2 is at 9. "10x" is second 10 of term 2.
    /// </summary>
    private static IReadOnlyDictionary<int, MemberProgress> Progress(string spec) =>
        spec.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToDictionary(
            part => int.Parse(part[..part.IndexOf(':')]),
            part =>
            {
                var value = part[(part.IndexOf(':') + 1)..];
                var secs = uint.Parse(value.TrimEnd('d', 'x'));
                var term = value.EndsWith('x') ? 2 : 3;
                var applied = Op(secs, term);
                return new MemberProgress(applied, value.EndsWith('d') ? Op(secs - 1, term) : applied);
            });

    public static TheoryData<string, ReplicaSetConfig, WriteConcern, string, bool> SatisfactionCases => new()
    {
        { "w: 1, the primary has it", SetOf(3), W(1), "0:10 1:9 2:9", true },
        { "w: 2, one secondary has it", SetOf(3), W(2), "0:10 1:10 2:9", true },
        { "w: 2, nobody else has it", SetOf(3), W(2), "0:10 1:9 2:9", false },
        { "w: 2 with j, the secondary's journal is behind", SetOf(3), W(2) with { J = true }, "0:10 1:10d 2:9", false },
        { "w: 2 without j, applied is enough", SetOf(3), W(2), "0:10 1:10d 2:9", true },
        { "w: 2 counts a non-voter", Set(ConfigMember(0), ConfigMember(1), NonVoter(2)), W(2), "0:10 1:9 2:10", true },
        { "w: 2 never counts an arbiter", Set(ConfigMember(0), ConfigMember(1), Arbiter(2)), W(2), "0:10 1:9 2:10", false },
        { "w: 2, a member past it in another term has another history", SetOf(3), W(2), "0:10 1:12x 2:9", false },
        { "majority in P-S-S", SetOf(3), WriteConcern.Majority, "0:10 1:10 2:1", true },
        { "majority needs durable", SetOf(3), WriteConcern.Majority, "0:10 1:10d 2:1", false },
        { "majority ignores non-voters", Set(ConfigMember(0), ConfigMember(1), ConfigMember(2), NonVoter(3)), WriteConcern.Majority, "0:10 1:1 2:1 3:10", false },
        { "majority in P-S-A needs both data members", Set(ConfigMember(0), ConfigMember(1), Arbiter(2)), WriteConcern.Majority, "0:10 1:9 2:10", false },
        { "two dcs: east twice is one dc", Tagged, new WriteConcern(new WriteConcernW.Tagged("twoDCs")), "0:10 1:10 2:9", false },
        { "two dcs: east and north", Tagged, new WriteConcern(new WriteConcernW.Tagged("twoDCs")), "0:10 4:10", true },
        { "w: 0 is met by nothing", SetOf(3), WriteConcern.Unacknowledged, "", true },
        { "no w uses the default: majority", SetOf(3), new WriteConcern(null), "0:10 1:9 2:9", false },
    };

    [Theory]
    [MemberData(nameof(SatisfactionCases))]
    public void A_write_concern_is_met_when_enough_members_have_the_write(string story, ReplicaSetConfig config, WriteConcern wc, string progress, bool satisfied)
    {
        Assert.True(satisfied == WriteConcernRules.IsSatisfied(config, wc, Progress(progress), Op(10, 3)), story);
    }

    [Fact]
    public void The_evaluation_says_who_acknowledged()
    {
        var result = WriteConcernRules.Evaluate(SetOf(5), W(4), Progress("0:10 1:9 2:10 3:10 4:8"), Op(10, 3));

        Assert.False(result.Satisfied);
        Assert.Equal([0, 2, 3], result.AcknowledgedBy);
    }
}
