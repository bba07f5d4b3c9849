using ReplicaActors.Consensus;
using ReplicaActors.Member.Core;
using ReplicaActors.Protocol;
using static ReplicaActors.Tests.Config.ConfigFixtures;

namespace ReplicaActors.Tests.Consensus;

public class MajorityWatchTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Timeout = SetOf(3).Settings.ElectionTimeout;

    private static MemberView View(int id, bool up) => new(id, up ? MemberState.Secondary : MemberState.Down, up, OpTime.Null, OpTime.Null, 0);

    private static readonly MemberView[] AllUp = [View(1, true), View(2, true)];
    private static readonly MemberView[] AllDown = [View(1, false), View(2, false)];

    [Fact]
    public void A_primary_steps_down_only_after_a_whole_election_timeout_without_a_majority()
    {
        var watch = new MajorityWatch();
        Assert.False(watch.ShouldStepDown(SetOf(3), 0, AllDown, Start));
        Assert.False(watch.ShouldStepDown(SetOf(3), 0, AllDown, Start + Timeout - TimeSpan.FromMilliseconds(1)));
        Assert.True(watch.ShouldStepDown(SetOf(3), 0, AllDown, Start + Timeout));
    }

    [Fact]
    public void Seeing_the_majority_again_or_a_new_term_as_primary_starts_the_count_afresh()
    {
        var watch = new MajorityWatch();
        watch.ShouldStepDown(SetOf(3), 0, AllDown, Start);
        Assert.False(watch.ShouldStepDown(SetOf(3), 0, [View(1, true), View(2, false)], Start + Timeout / 2));
        Assert.False(watch.ShouldStepDown(SetOf(3), 0, AllDown, Start + Timeout));
        Assert.True(watch.ShouldStepDown(SetOf(3), 0, AllDown, Start + Timeout + Timeout));

        watch.Reset();
        Assert.False(watch.ShouldStepDown(SetOf(3), 0, AllDown, Start + Timeout * 3));
        Assert.False(watch.ShouldStepDown(SetOf(3), 0, AllUp, Start + Timeout * 5));
    }
}
