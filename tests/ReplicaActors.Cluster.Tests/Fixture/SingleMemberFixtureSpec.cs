using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.Fixture;

/// <summary>The fixture with one member: what works before replication exists, and what kill and restart keep.</summary>
public sealed class SingleMemberFixtureSpec(ITestOutputHelper output)
{
    [Fact]
    public async Task Starts_elects_and_reads_back_an_insert()
    {
        await using var set = await ReplicaSetFixture.StartAsync(new() { Members = 1, Journal = FixtureJournal.InMemory, Output = output });

        var primary = await set.WaitForPrimaryAsync();
        (await set.SendAsync(primary, "app", "{ insert: 'things', documents: [{ _id: 1, name: 'one' }] }")).EnsureOk();

        var found = await FindAsync(set, primary);
        Assert.Equal(new BsonDocument { { "_id", 1 }, { "name", "one" } }, Assert.Single(found));
        Assert.Equal(primary.Host, (await set.SendAsync(primary, "admin", "{ hello: 1 }")).EnsureOk()["me"].AsString);
    }

    [Fact]
    public async Task A_killed_member_is_unreachable_and_after_restart_keeps_its_data()
    {
        await using var set = await ReplicaSetFixture.StartAsync(new() { Members = 1, Journal = FixtureJournal.Sqlite, Output = output });
        var member = set.Members[0];
        (await set.SendAsync(member, "app", "{ insert: 'things', documents: [{ _id: 1 }, { _id: 2 }] }")).EnsureOk();
        var port = member.Port;

        await set.KillAsync(member);
        Assert.False(member.IsRunning);
        var error = await Assert.ThrowsAsync<ReplicaException>(() =>
            set.Transport.SendAsync(member.Host, new CommandRequest("admin", new BsonDocument("hello", 1)), TimeSpan.FromSeconds(1)));
        Assert.Contains(error.Code, new[] { ErrorCode.HostUnreachable, ErrorCode.NetworkTimeout });

        await set.RestartAsync(member);
        Assert.Equal(port, member.Port);
        Assert.Same(member, await set.WaitForPrimaryAsync());
        Assert.Equal([1, 2], (await FindAsync(set, member)).Select(d => d["_id"].AsInt32));
    }

    [Fact]
    public async Task With_the_in_memory_journal_a_restarted_member_starts_empty()
    {
        await using var set = await ReplicaSetFixture.StartAsync(new() { Members = 1, Journal = FixtureJournal.InMemory, Output = output });
        var member = set.Members[0];

        await set.KillAsync(member);
        await set.RestartAsync(member);

        var hello = (await set.SendAsync(member, "admin", "{ hello: 1 }")).EnsureOk();
        Assert.False(hello["isWritablePrimary"].AsBoolean, hello.ToString());
        Assert.False(hello.Contains("setName"), hello.ToString());
    }

    [Fact]
    public async Task Waiting_for_a_primary_that_never_comes_names_what_each_member_said()
    {
        await using var set = await ReplicaSetFixture.StartAsync(new() { Members = 1, Journal = FixtureJournal.InMemory, Initiate = false, Output = output });

        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => set.WaitForPrimaryAsync(TimeSpan.FromMilliseconds(300)));

        Assert.Contains(set.Members[0].Host, timeout.Message);
        Assert.Contains("isWritablePrimary", timeout.Message);
    }

    private static async Task<BsonArray> FindAsync(ReplicaSetFixture set, FixtureMember member) =>
        (await set.SendAsync(member, "app", "{ find: 'things', sort: { _id: 1 } }")).EnsureOk()["cursor"]["firstBatch"].AsBsonArray;
}
