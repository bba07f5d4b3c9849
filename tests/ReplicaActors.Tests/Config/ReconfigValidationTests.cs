using MongoDB.Bson;
using ReplicaActors.Config;
using ReplicaActors.Protocol;
using static ReplicaActors.Tests.Config.ConfigFixtures;

namespace ReplicaActors.Tests.Config;

public class ReconfigValidationTests
{
    private static readonly ReplicaSetConfig Current = SetOf(3) with { Version = 4, Term = 2 };

    private static ReplicaSetConfig Next(params MemberConfig[] members) => Current with { Version = 5, Members = members };

    public static TheoryData<string, ReplicaSetConfig> SafeChanges => new()
    {
        { "raise a priority", Next(ConfigMember(0, 5), ConfigMember(1), ConfigMember(2)) },
        { "add one voter", Next(ConfigMember(0), ConfigMember(1), ConfigMember(2), ConfigMember(3)) },
        { "remove one voter", Next(ConfigMember(0), ConfigMember(1)) },
        { "add many non-voters", Next(ConfigMember(0), ConfigMember(1), ConfigMember(2), NonVoter(3), NonVoter(4), NonVoter(5)) },
        { "turn one voter into a non-voter", Next(ConfigMember(0), ConfigMember(1), NonVoter(2)) },
        { "add an arbiter", Next(ConfigMember(0), ConfigMember(1), ConfigMember(2), Arbiter(3)) },
    };

    [Theory]
    [MemberData(nameof(SafeChanges))]
    public void A_safe_reconfig_from_a_committed_config_is_accepted(string story, ReplicaSetConfig proposed)
    {
        var e = Record.Exception(() => ConfigValidator.ValidateReconfig(Current, proposed, force: false, whyCurrentNotCommitted: null));

        Assert.True(e is null, $"{story}: {e?.Message}");
    }

    public static TheoryData<string, ReplicaSetConfig, bool, bool, string> Refusals => new()
    {
        { "set name changes", Next(ConfigMember(0), ConfigMember(1), ConfigMember(2)) with { Name = "rs1" }, false, true, "the set name may not change: it is 'rs0', the new config says 'rs1'" },
        { "version not higher", Next(ConfigMember(0), ConfigMember(1), ConfigMember(2)) with { Version = 4 }, false, true, "version 4 must be higher than the current version 4" },
        { "version not higher, even forced", Next(ConfigMember(0), ConfigMember(1), ConfigMember(2)) with { Version = 3 }, true, false, "must be higher than the current version" },
        { "host moves to another _id", Next(ConfigMember(0), ConfigMember(1), ConfigMember(3) with { Host = "127.0.0.1:27202" }), false, true, "member 3 (127.0.0.1:27202): host 127.0.0.1:27202 is member 2 in the current config" },
        { "member becomes an arbiter", Next(ConfigMember(0), ConfigMember(1), Arbiter(2)), false, true, "member 2 (127.0.0.1:27202): arbiterOnly may not change" },
        { "buildIndexes changes", Next(ConfigMember(0), ConfigMember(1), ConfigMember(2, 0) with { BuildIndexes = false }), false, true, "member 2 (127.0.0.1:27202): buildIndexes may not change" },
        { "two voters added", Next(ConfigMember(0), ConfigMember(1), ConfigMember(2), ConfigMember(3), ConfigMember(4)), false, true, "at most one voting member, this one changes 2: member 3 (127.0.0.1:27203), member 4 (127.0.0.1:27204)" },
        { "two voters removed", Next(ConfigMember(0)), false, true, "this one changes 2: member 1 (127.0.0.1:27201), member 2 (127.0.0.1:27202)" },
        { "one voter swapped for another", Next(ConfigMember(0), ConfigMember(1), ConfigMember(3)), false, true, "this one changes 2" },
        { "current config not committed", Next(ConfigMember(0, 2), ConfigMember(1), ConfigMember(2)), false, false, "the current config (version 4, term 2) is not committed yet: held by 1 of 3; wait, or use force" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void An_unsafe_or_incompatible_reconfig_is_refused(string story, ReplicaSetConfig proposed, bool force, bool committed, string expected)
    {
        var e = Assert.Throws<ReplicaException>(() => ConfigValidator.ValidateReconfig(Current, proposed, force, committed ? null : "held by 1 of 3"));

        Assert.True(e.Code == ErrorCode.NewReplicaSetConfigurationIncompatible, story);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void The_replica_set_id_may_not_change()
    {
        var current = Current with { Settings = new ReplicaSetSettings { ReplicaSetId = ObjectId.GenerateNewId() } };
        var proposed = Next(ConfigMember(0), ConfigMember(1), ConfigMember(2)) with { Settings = new ReplicaSetSettings { ReplicaSetId = ObjectId.GenerateNewId() } };

        var e = Assert.Throws<ReplicaException>(() => ConfigValidator.ValidateReconfig(current, proposed, false, null));

        Assert.Contains("settings.replicaSetId may not change", e.Message);
    }

    [Fact]
    public void Force_skips_the_commit_wait_and_the_one_voter_rule()
    {
        var proposed = Next(ConfigMember(0)) with { Version = 100_004 };

        ConfigValidator.ValidateReconfig(Current, proposed, force: true, whyCurrentNotCommitted: "held by 1 of 3");
    }

    [Fact]
    public void The_proposed_config_must_itself_be_valid()
    {
        var e = Assert.Throws<ReplicaException>(() =>
            ConfigValidator.ValidateReconfig(Current, Next(ConfigMember(0), ConfigMember(1), ConfigMember(2) with { Hidden = true }), false, null));

        Assert.Equal(ErrorCode.InvalidReplicaSetConfig, e.Code);
        Assert.Contains("member 2 (127.0.0.1:27202): hidden members must have priority 0", e.Message);
    }
}
