using MongoDB.Bson;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.ReplicaSet;

/// <summary>The admin commands that steer elections: replSetStepDown, replSetFreeze and replSetStepUp.</summary>
public sealed class StepDownFreezeStepUpSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    protected override ReplicaSetFixtureOptions Options => new() { Members = 3, Journal = FixtureJournal.InMemory };

    [Fact]
    public async Task A_stepped_down_primary_becomes_secondary_and_does_not_stand_again_within_its_step_down_period()
    {
        var old = await ReplicaSet.WaitForPrimaryAsync();

        (await ReplicaSet.SendAsync(old, "admin", "{ replSetStepDown: 60, force: true }")).EnsureOk();

        var successor = await ReplicaSet.WaitForPrimaryAsync(Timeouts.Election);
        Assert.NotSame(old, successor);
        Assert.True(await ReplicaSet.IsSecondaryAsync(old), await ReplicaSet.DescribeAsync());
        await Throughout.HoldsAsync($"{old} does not stand within its 60 s step-down period", Timeouts.SeveralElectionTimeouts, async () =>
            (await ReplicaSet.IsNotWritablePrimaryAsync(old), await ReplicaSet.DescribeAsync()));
    }

    [Fact]
    public async Task A_frozen_secondary_does_not_stand_when_the_primary_dies_and_the_other_secondary_wins()
    {
        var primary = await ReplicaSet.WaitForPrimaryAsync();
        var secondaries = ReplicaSet.Members.Where(m => m != primary).ToList();
        var frozen = secondaries[0];
        // Both secondaries equally fresh: the other one must get the frozen one's vote.
        (await ReplicaSet.InsertAsync(primary, new BsonDocument("_id", "everywhere"), "{ w: 3, wtimeout: 5000 }")).EnsureAcknowledged();
        (await ReplicaSet.SendAsync(frozen, "admin", "{ replSetFreeze: 30 }")).EnsureOk();

        await ReplicaSet.KillAsync(primary);

        Assert.Same(secondaries[1], await ReplicaSet.WaitForPrimaryAsync(Timeouts.Election));
        Assert.True(await ReplicaSet.IsSecondaryAsync(frozen), await ReplicaSet.DescribeAsync());
    }

    [Fact]
    public async Task A_secondary_asked_to_step_up_becomes_primary()
    {
        var primary = await ReplicaSet.WaitForPrimaryAsync();
        var secondary = ReplicaSet.Members.First(m => m != primary);
        // Voters refuse a candidate staler than themselves: catch it up first.
        (await ReplicaSet.InsertAsync(primary, new BsonDocument("_id", "everywhere"), "{ w: 3, wtimeout: 5000 }")).EnsureAcknowledged();

        (await ReplicaSet.SendAsync(secondary, "admin", "{ replSetStepUp: 1 }")).EnsureOk();

        await ReplicaSet.WaitForPrimaryAsync(Timeouts.Election, where: m => m == secondary);
        Assert.Same(secondary, await ReplicaSet.WaitForPrimaryAsync(Timeouts.StepDown));
    }
}
