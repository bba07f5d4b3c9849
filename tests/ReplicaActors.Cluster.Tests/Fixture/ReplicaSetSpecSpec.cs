using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.Fixture;

/// <summary><see cref="ReplicaSetSpec"/>: each test gets a started, initiated set shaped by <c>Options</c>.</summary>
public sealed class ReplicaSetSpecSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    protected override ReplicaSetFixtureOptions Options => new() { Members = 1, Journal = FixtureJournal.InMemory, SetName = "perTest" };

    [Fact]
    public async Task Each_test_gets_an_initiated_set_with_the_options_it_asked_for()
    {
        var member = Assert.Single(ReplicaSet.Members);

        var config = (await ReplicaSet.SendAsync(member, "admin", "{ replSetGetConfig: 1 }")).EnsureOk()["config"];

        Assert.Equal("perTest", config["_id"].AsString);
        Assert.Equal(member.Host, config["members"][0]["host"].AsString);
        Assert.Same(member, await ReplicaSet.WaitForPrimaryAsync());
    }
}
