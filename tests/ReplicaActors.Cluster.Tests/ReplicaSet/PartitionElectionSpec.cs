using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.ReplicaSet;

/// <summary>Partitions in a three-member set: only a side with a majority of voters has a primary.</summary>
public sealed class PartitionElectionSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    protected override ReplicaSetFixtureOptions Options => new() { Members = 3, Journal = FixtureJournal.InMemory };

    [Fact]
    public async Task A_primary_cut_off_from_the_majority_steps_down_and_the_majority_elects_a_newer_primary()
    {
        var old = await ReplicaSet.WaitForPrimaryAsync();
        var oldTerm = await ReplicaSet.TermAsync(old);

        await ReplicaSet.PartitionAsync(old);

        await ReplicaSet.UntilMemberAsync($"{old} steps down once it cannot see a majority", Timeouts.StepDown, old, SetProbe.IsNotWritablePrimaryAsync);
        await ReplicaSet.WaitForPrimaryAsync(Timeouts.Election, where: m => m != old);
        await Throughout.HoldsAsync($"{old} is not primary while partitioned", Timeouts.SeveralElectionTimeouts, async () =>
            (await ReplicaSet.IsNotWritablePrimaryAsync(old), await ReplicaSet.DescribeAsync()));

        await ReplicaSet.HealAsync();

        var final = await ReplicaSet.WaitForPrimaryAsync(Timeouts.Election);
        Assert.Equal([final], await ReplicaSet.PrimariesAsync());
        Assert.True(await ReplicaSet.TermAsync(final) > oldTerm, $"the primary after healing is in term {await ReplicaSet.TermAsync(final)}, the first was in {oldTerm}");
    }

    [Fact]
    public async Task Members_that_are_each_alone_never_elect()
    {
        var primary = await ReplicaSet.WaitForPrimaryAsync();

        await ReplicaSet.PartitionAsync(ReplicaSet.Members[0]);
        await ReplicaSet.PartitionAsync(ReplicaSet.Members[1]);

        await ReplicaSet.UntilMemberAsync($"the primary {primary}, now alone, steps down", Timeouts.StepDown, primary, SetProbe.IsNotWritablePrimaryAsync);
        await Throughout.HoldsAsync("no member alone becomes primary", Timeouts.SeveralElectionTimeouts, async () =>
            ((await ReplicaSet.PrimariesAsync()).Count == 0, await ReplicaSet.DescribeAsync()));
    }
}
