using Akka.Cluster;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.Fixture;

/// <summary>
/// The partition primitive on its own: plain members (no replica set initiated) joined into one Akka cluster
/// by hand, so what is seen here is the blackhole's doing, not the replica-set logic's.
/// </summary>
public sealed class PartitionSpec(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Detection = TimeSpan.FromSeconds(15);
    private ReplicaSetFixture _set = null!;

    public async Task InitializeAsync()
    {
        _set = await ReplicaSetFixture.StartAsync(new() { Members = 3, Journal = FixtureJournal.InMemory, Initiate = false, Output = output });
        var seed = _set.Members[0].Address;
        await Task.WhenAll(_set.Members.Select(m => Akka.Cluster.Cluster.Get(m.System).JoinSeedNodesAsync([seed])));
        await Eventually.UntilAsync("every member sees three Up members", Detection,
            () => _set.Members.All(m => UpCount(m) == 3),
            () => string.Join(", ", _set.Members.Select(m => $"{m}: {UpCount(m)} up")));
    }

    [Fact]
    public async Task A_partitioned_member_becomes_unreachable_to_the_others_and_reachable_after_healing()
    {
        var isolated = _set.Members[2];
        using var watch0 = new ReachabilityWatch(_set.Members[0].System);
        using var watch1 = new ReachabilityWatch(_set.Members[1].System);

        await _set.PartitionAsync(isolated);
        await Task.WhenAll(
            watch0.ExpectAsync<ClusterEvent.UnreachableMember>(isolated.Address, Detection),
            watch1.ExpectAsync<ClusterEvent.UnreachableMember>(isolated.Address, Detection));

        await _set.HealAsync();
        await Task.WhenAll(
            watch0.ExpectAsync<ClusterEvent.ReachableMember>(isolated.Address, Detection),
            watch1.ExpectAsync<ClusterEvent.ReachableMember>(isolated.Address, Detection));
    }

    [Fact]
    public async Task A_partition_cuts_member_links_but_not_the_fixtures_client()
    {
        var isolated = _set.Members[1];
        using var watch = new ReachabilityWatch(_set.Members[0].System);

        await _set.PartitionAsync(isolated);
        await watch.ExpectAsync<ClusterEvent.UnreachableMember>(isolated.Address, Detection);

        Assert.True((await _set.SendAsync(isolated, "admin", "{ ping: 1 }")).Ok);
    }

    private static int UpCount(FixtureMember member) =>
        Akka.Cluster.Cluster.Get(member.System).State.Members.Count(m => m.Status == MemberStatus.Up);

    public async Task DisposeAsync() => await _set.DisposeAsync();
}
