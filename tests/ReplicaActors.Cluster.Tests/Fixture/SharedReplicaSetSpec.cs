using ReplicaActors.TestKit;

namespace ReplicaActors.Cluster.Tests.Fixture;

/// <summary>A one-member set shared by a test class.</summary>
public sealed class OneMemberSet : SharedReplicaSet
{
    protected override ReplicaSetFixtureOptions Options => new() { Members = 1, Journal = FixtureJournal.InMemory };
}

/// <summary><see cref="SharedReplicaSet"/>: one set for the whole class, reachable through its fixture.</summary>
public sealed class SharedReplicaSetSpec(OneMemberSet shared) : IClassFixture<OneMemberSet>
{
    [Fact]
    public async Task The_shared_set_is_running_and_takes_writes()
    {
        var primary = await shared.ReplicaSet.WaitForPrimaryAsync();

        var reply = (await shared.ReplicaSet.SendAsync(primary.Host, "app", "{ insert: 'shared', documents: [{ _id: 'x' }] }")).EnsureOk();

        Assert.Equal(1, reply["n"].ToInt32());
    }
}
