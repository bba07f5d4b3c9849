using ReplicaActors.Config;
using ReplicaActors.Consensus;
using ReplicaActors.Protocol;
using static ReplicaActors.Tests.Config.ConfigFixtures;
using static ReplicaActors.Tests.Consensus.ConsensusFixtures;

namespace ReplicaActors.Tests.Consensus;

/// <summary>
/// Member 0, a secondary that has fetched up to second 100, chooses whom to tail. Member 1 is the primary at 200
/// (ping 30 ms); the others are secondaries, described per row.
/// </summary>
public class SyncSourceSelectorTests
{
    private static readonly ReplicaSetConfig Config = Set(ConfigMember(0), ConfigMember(1), ConfigMember(2), ConfigMember(3), ConfigMember(4, 0) with { Hidden = true });

    /// <summary>mongod's defaults, as reference.conf has them.</summary>
    private static readonly SyncSourceLimits Limits = new(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(5));

    private static SyncSourceRequest Request(params MemberView[] secondaries) =>
        new(Config, 0, Op(100, 1), [Primary(1, Op(200, 1), ping: 30), .. secondaries], ChainingAllowed: true, PrimaryId: 1, Limits);

    public static TheoryData<string, SyncSourceRequest, int?> Choices => new()
    {
        { "the nearest secondary", Request(Secondary(2, Op(190, 1), 5), Secondary(3, Op(195, 1), 12)), 2 },
        { "the primary when it is as near as the nearest (within 5 ms)", Request(Secondary(2, Op(190, 1), 26)), 1 },
        { "never a member that is not ahead of us", Request(Secondary(2, Op(100, 1), 1)), 1 },
        { "never a member that is down", Request(Down(2, Op(199, 1))), 1 },
        { "never a recovering member", Request(Secondary(2, Op(199, 1), 1) with { State = MemberState.Recovering }), 1 },
        { "not a member lagging more than 30 s behind the primary while others serve", Request(Secondary(2, Op(160, 1), 1)), 1 },
        { "a member lagging exactly 30 s is fine", Request(Secondary(2, Op(170, 1), 1)), 2 },
        { "not a hidden member while others serve", Request(Secondary(4, Op(200, 1), 1)), 1 },
        { "a hidden member when nothing else serves", Request(Secondary(4, Op(200, 1), 1)) with { Others = [Down(1), Secondary(4, Op(200, 1), 1)] }, 4 },
        { "nobody when nobody is ahead", Request(Secondary(2, Op(90, 1))) with { Others = [Primary(1, Op(100, 1)), Secondary(2, Op(90, 1))] }, null },
        { "only the primary when chaining is off", Request(Secondary(2, Op(190, 1), 1)) with { ChainingAllowed = false }, 1 },
        { "nobody when chaining is off and the primary is down", Request(Secondary(2, Op(190, 1), 1)) with { ChainingAllowed = false, Others = [Down(1), Secondary(2, Op(190, 1), 1)] }, null },
        { "nobody when chaining is off and no primary is known", Request(Secondary(2, Op(190, 1), 1)) with { ChainingAllowed = false, PrimaryId = null }, null },
        { "the replSetSyncFrom target", Request(Secondary(2, Op(190, 1), 1), Secondary(3, Op(150, 1), 90)) with { ForcedSourceId = 3 }, 3 },
        { "the usual choice when the replSetSyncFrom target is down", Request(Secondary(2, Op(190, 1), 1), Down(3)) with { ForcedSourceId = 3 }, 2 },
        { "another member than the one a failed recovery attempt used", Request(Secondary(2, Op(190, 1), 1), Secondary(3, Op(195, 1), 12)) with { AvoidSourceId = 2 }, 3 },
        { "the avoided member when it is the only one ahead", Request(Secondary(2, Op(190, 1), 1)) with { Others = [Down(1), Secondary(2, Op(190, 1), 1)], AvoidSourceId = 2 }, 2 },
        { "a deposed primary's newer-term source though its own entries have later timestamps",
            Request() with { LastFetched = Op(300, 1), Others = [Primary(1, Op(200, 2), ping: 30)] }, 1 },
        { "nobody when this member is not in the config", Request(Secondary(2, Op(190, 1), 1)) with { SelfId = 9 }, null },
    };

    [Theory]
    [MemberData(nameof(Choices))]
    public void A_secondary_picks(string story, SyncSourceRequest request, int? expected)
    {
        var choice = SyncSourceSelector.Choose(request);

        Assert.True(expected == choice.SourceId, $"{story}: {choice.Reason}");
        Assert.NotEmpty(choice.Reason);
    }

    [Theory]
    [InlineData("a voter passes over a nearer non-voter", 1, 1)]
    [InlineData("a non-voter takes the nearest", 0, 2)]
    public void A_voter_prefers_voting_sources(string story, int myVotes, int expected)
    {
        var config = Set(ConfigMember(0, myVotes) with { Votes = myVotes }, ConfigMember(1), NonVoter(2));
        var others = new[] { Primary(1, Op(200, 1), ping: 50), Secondary(2, Op(200, 1), ping: 1) };

        var choice = SyncSourceSelector.Choose(new SyncSourceRequest(config, 0, Op(100, 1), others, true, 1, Limits));

        Assert.True(expected == choice.SourceId, $"{story}: {choice.Reason}");
    }

    [Fact]
    public void A_delayed_member_prefers_sources_no_more_delayed_than_itself()
    {
        var config = Set(ConfigMember(0, 0) with { SecondaryDelaySecs = 60, Hidden = true }, ConfigMember(1), ConfigMember(2, 0) with { SecondaryDelaySecs = 600, Hidden = true });
        var others = new[] { Primary(1, Op(200, 1), ping: 50), Secondary(2, Op(200, 1), ping: 1) };

        Assert.Equal(1, SyncSourceSelector.Choose(new SyncSourceRequest(config, 0, Op(100, 1), others, true, 1, Limits)).SourceId);
    }

    [Fact]
    public void A_member_that_builds_indexes_never_syncs_from_one_that_does_not()
    {
        var config = Set(ConfigMember(0), ConfigMember(1), ConfigMember(2, 0) with { BuildIndexes = false });
        var request = new SyncSourceRequest(config, 0, Op(100, 1), [Down(1), Secondary(2, Op(200, 1))], true, null, Limits);

        Assert.Null(SyncSourceSelector.Choose(request).SourceId);
    }

    public static TheoryData<string, SyncSourceRequest, bool> Changes => new()
    {
        { "a healthy source keeps its place", Request(Secondary(2, Op(195, 1), 5)), false },
        { "an unreachable source is left", Request(Down(2, Op(195, 1))), true },
        { "a source that turned RECOVERING is left", Request(Secondary(2, Op(195, 1)) with { State = MemberState.Recovering }), true },
        { "a source more than 30 s behind another member is left", Request(Secondary(2, Op(160, 1), 5)), true },
        { "a source with no source of its own that is not ahead is left", Request(Secondary(2, Op(100, 1), 5)), true },
        { "a source not ahead but itself syncing stays", Request(Secondary(2, Op(195, 1), 5) with { SyncSourceId = 1 }) with { LastFetched = Op(195, 1) }, false },
        { "with chaining off, a secondary source is left for the primary", Request(Secondary(2, Op(195, 1), 5)) with { ChainingAllowed = false }, true },
        { "a replSetSyncFrom target elsewhere moves us", Request(Secondary(2, Op(195, 1), 5), Secondary(3, Op(195, 1))) with { ForcedSourceId = 3 }, true },
        { "two members tailing each other on a branch the primary left: the source is left",
            Request(Secondary(2, Op(195, 1), 5) with { SyncSourceId = 0 }) with { LastFetched = Op(195, 1), Others = [Primary(1, Op(180, 3), ping: 30), Secondary(2, Op(195, 1), 5) with { SyncSourceId = 0 }] }, true },
        { "a source that left the config is left", Request(Secondary(2, Op(195, 1), 5)) with { Config = Set(ConfigMember(0), ConfigMember(1)) }, true },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void A_secondary_syncing_from_member_2_reconsiders(string story, SyncSourceRequest request, bool change)
    {
        var decision = SyncSourceSelector.ShouldChangeSource(request, currentSourceId: 2);

        Assert.True(change == decision.Change, $"{story}: {decision.Reason}");
    }

    [Theory]
    [InlineData("127.0.0.1:27202", null)]
    [InlineData("127.0.0.1:29999", ErrorCode.NodeNotFound)]
    [InlineData("127.0.0.1:27200", ErrorCode.InvalidSyncSource)]
    [InlineData("127.0.0.1:27203", ErrorCode.InvalidSyncSource)]
    public void ReplSetSyncFrom_refuses_targets_that_cannot_serve(string host, ErrorCode? code)
    {
        var request = Request(Secondary(2, Op(190, 1)), Down(3));

        var e = Record.Exception(() => SyncSourceSelector.ValidateSyncFrom(request, host));

        Assert.Equal(code, (e as ReplicaException)?.Code);
    }

    [Fact]
    public void A_member_keeps_a_good_source_leaves_a_bad_one_for_the_best_and_takes_one_when_it_has_none()
    {
        var request = Request(Secondary(2, Op(190, 1), 5), Down(3));

        var keep = SyncSourceSelector.Maintain(request, current: 2);
        var leave = SyncSourceSelector.Maintain(request, current: 3);
        var take = SyncSourceSelector.Maintain(request, current: null);

        Assert.False(keep.Leave);
        Assert.Null(keep.Next);
        Assert.True(leave.Leave, leave.LeaveReason);
        Assert.Equal(2, leave.Next?.SourceId);
        Assert.False(take.Leave);
        Assert.Equal(2, take.Next?.SourceId);
    }
}
