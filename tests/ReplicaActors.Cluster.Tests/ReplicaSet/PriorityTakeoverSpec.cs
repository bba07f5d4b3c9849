using MongoDB.Bson;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.ReplicaSet;

/// <summary>Priorities {2, 1, 1}: the priority-2 member takes the primary back whenever it is caught up.</summary>
public sealed class PriorityTakeoverSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    protected override ReplicaSetFixtureOptions Options => new() { Members = 3, Journal = FixtureJournal.InMemory, Initiate = false };

    [Fact]
    public async Task After_stepping_down_the_priority_two_member_a_priority_one_member_leads_until_it_takes_over_again()
    {
        var preferred = ReplicaSet.Members[0];
        await InitiateAsync(priorities: [2, 1, 1]);
        await ReplicaSet.WaitForPrimaryAsync(Timeouts.Election, where: m => m == preferred);

        (await ReplicaSet.SendAsync(preferred, "admin", "{ replSetStepDown: 2, secondaryCatchUpPeriodSecs: 1, force: true }")).EnsureOk();

        var interim = await ReplicaSet.WaitForPrimaryAsync(Timeouts.Election, where: m => m != preferred);
        (await ReplicaSet.InsertAsync(interim, new BsonDocument("_id", "under-priority-1"), "{ w: 'majority', wtimeout: 5000 }")).EnsureAcknowledged();
        await ReplicaSet.WaitForPrimaryAsync(Timeouts.Election, where: m => m == preferred);
        Assert.Same(preferred, await ReplicaSet.WaitForPrimaryAsync(Timeouts.StepDown));
        Assert.True((await ReplicaSet.FindAsync(preferred)).Any(d => d["_id"] == "under-priority-1"), "the member that took over lacks the interim primary's write");
    }

    private async Task InitiateAsync(int[] priorities)
    {
        var members = new BsonArray(ReplicaSet.Members.Select(m => new BsonDocument { { "_id", m.Index }, { "host", m.Host }, { "priority", priorities[m.Index] } }));
        var config = new BsonDocument { { "_id", ReplicaSet.Options.SetName }, { "version", 1 }, { "members", members } };
        (await ReplicaSet.SendAsync(ReplicaSet.Members[0], "admin", new BsonDocument("replSetInitiate", config))).EnsureOk();
    }
}
