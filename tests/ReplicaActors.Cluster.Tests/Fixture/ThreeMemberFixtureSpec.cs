using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.Fixture;

/// <summary>A real three-member set through the fixture: one primary, and a new one after the first is killed.</summary>
public sealed class ThreeMemberFixtureSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    protected override ReplicaSetFixtureOptions Options => new() { Members = 3, Journal = FixtureJournal.InMemory };

    [Fact]
    public async Task Three_members_elect_one_primary_and_another_after_it_is_killed()
    {
        var first = await ReplicaSet.WaitForPrimaryAsync();

        var killed = await ReplicaSet.KillPrimaryAsync();

        Assert.Same(first, killed);
        var second = await ReplicaSet.WaitForPrimaryAsync(TimeSpan.FromSeconds(20));
        Assert.NotSame(first, second);
    }
}
