using ReplicaActors.Consensus;
using static ReplicaActors.Tests.Consensus.ConsensusFixtures;

namespace ReplicaActors.Tests.Consensus;

public class SnapshotHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void History_is_pruned_only_to_a_commit_point_at_least_the_window_old()
    {
        var history = new SnapshotHistory(TimeSpan.FromSeconds(5));

        Assert.Null(history.Observe(Op(10, 1), T0));
        Assert.Null(history.Observe(Op(20, 1), T0.AddSeconds(3)));
        Assert.Null(history.Observe(Op(20, 1), T0.AddSeconds(4.9)));
        Assert.Equal(Op(10, 1), history.Observe(Op(30, 1), T0.AddSeconds(5)));
        Assert.Null(history.Observe(Op(30, 1), T0.AddSeconds(7)));
        Assert.Equal(Op(30, 1), history.Observe(Op(30, 1), T0.AddSeconds(11)));
    }

    [Fact]
    public void A_zero_window_prunes_to_the_current_commit_point_at_once()
    {
        var history = new SnapshotHistory(TimeSpan.Zero);

        Assert.Equal(Op(10, 1), history.Observe(Op(10, 1), T0));
        Assert.Null(history.Observe(Op(10, 1), T0.AddSeconds(1)));
    }
}
