using Akka.Actor;
using MongoDB.Bson;
using ReplicaActors.Member;
using ReplicaActors.Protocol;
using Xunit.Abstractions;

namespace ReplicaActors.Tests.MemberActor;

public sealed class SingleMemberSpec(ITestOutputHelper output) : MemberSpecBase(output)
{
    [Fact]
    public async Task Before_initiate_writes_and_reads_are_refused_and_hello_says_why()
    {
        var store = NewStore();
        var member = Sys.ActorOf(ReplicaMember.Props(Settings, store));

        Assert.Equal(ErrorCode.NotWritablePrimary, await ErrorAsync(member, "app", "{ insert: 'items', documents: [{ a: 1 }] }"));
        Assert.Equal(ErrorCode.NotPrimaryOrSecondary, await ErrorAsync(member, "app", "{ find: 'items' }"));
        Assert.Equal(ErrorCode.NotYetInitialized, await ErrorAsync(member, "admin", "{ replSetGetStatus: 1 }"));
        var hello = await OkAsync(member, "admin", "{ hello: 1 }");
        Assert.False(hello["isWritablePrimary"].AsBoolean);
        Assert.Equal("Does not have a valid replica set config", hello["info"].AsString);
        Assert.Equal(0, store.Reader.Count(Namespace.Parse("app.items")));
    }

    [Fact]
    public async Task Initiate_without_a_config_makes_a_set_of_one_whose_member_becomes_primary()
    {
        var store = NewStore();
        var member = Sys.ActorOf(ReplicaMember.Props(Settings, store));

        await OkAsync(member, "admin", "{ replSetInitiate: null }");
        await AwaitPrimaryAsync(member);

        var status = await OkAsync(member, "admin", "{ replSetGetStatus: 1 }");
        Assert.Equal(SetName, status["set"].AsString);
        Assert.Equal((int)MemberState.Primary, status["myState"].ToInt32());
        Assert.Equal(1, status["term"].ToInt64());
        var self = Assert.Single(status["members"].AsBsonArray).AsBsonDocument;
        Assert.Equal(Settings.Host, self["name"].AsString);
        Assert.Equal("PRIMARY", self["stateStr"].AsString);
        var config = (await OkAsync(member, "admin", "{ replSetGetConfig: 1 }"))["config"].AsBsonDocument;
        Assert.Equal(1, config["version"].ToInt64());
        Assert.Equal(ErrorCode.AlreadyInitialized, await ErrorAsync(member, "admin", "{ replSetInitiate: null }"));
    }

    [Theory]
    [InlineData("{ _id: 'other', version: 1, members: [{ _id: 0, host: '$HOST' }] }")]
    [InlineData("{ _id: 'rs0', version: 1, members: [{ _id: 0, host: '127.0.0.1:1' }] }")]
    [InlineData("{ _id: 'rs0', version: 1, members: [{ _id: 0, host: '$HOST', priority: 0 }] }")]
    [InlineData("{ _id: 'rs0', version: 1, members: [{ _id: 0, host: '$HOST', votes: 2 }] }")]
    [InlineData("{ _id: 'rs0', version: 1, members: [] }")]
    public async Task An_invalid_initiate_config_is_refused_and_the_member_stays_in_startup(string config)
    {
        var store = NewStore();
        var member = Sys.ActorOf(ReplicaMember.Props(Settings, store));

        var code = await ErrorAsync(member, "admin", $"{{ replSetInitiate: {config.Replace("$HOST", Settings.Host)} }}");

        Assert.Equal(ErrorCode.InvalidReplicaSetConfig, code);
        Assert.Equal(ErrorCode.NotYetInitialized, await ErrorAsync(member, "admin", "{ replSetGetStatus: 1 }"));
        await OkAsync(member, "admin", "{ replSetInitiate: null }");
        await AwaitPrimaryAsync(member);
    }

    [Fact]
    public async Task Writes_are_applied_and_read_back_through_the_member()
    {
        var member = await StartPrimaryAsync();

        var inserted = await OkAsync(member, "shop", "{ insert: 'items', documents: [{ _id: 1, qty: 5 }, { _id: 2, qty: 7 }, { _id: 3, qty: 9 }] }");
        Assert.Equal(3, inserted["n"].ToInt32());
        var updated = await OkAsync(member, "shop", "{ update: 'items', updates: [{ q: { qty: { $gte: 7 } }, u: { $inc: { qty: 1 } }, multi: true }] }");
        Assert.Equal(2, updated["nModified"].ToInt32());
        var deleted = await OkAsync(member, "shop", "{ delete: 'items', deletes: [{ q: { _id: 1 }, limit: 1 }] }");
        Assert.Equal(1, deleted["n"].ToInt32());

        var found = (await OkAsync(member, "shop", "{ find: 'items', sort: { _id: 1 } }"))["cursor"]["firstBatch"].AsBsonArray;
        Assert.Equal(["{ \"_id\" : 2, \"qty\" : 8 }", "{ \"_id\" : 3, \"qty\" : 10 }"], found.Select(d => d.ToJson()));
        Assert.Equal(2, (await OkAsync(member, "shop", "{ count: 'items' }"))["n"].ToInt32());
    }

    [Fact]
    public async Task A_duplicate_key_is_a_write_error_and_changes_nothing()
    {
        var member = await StartPrimaryAsync();
        await OkAsync(member, "shop", "{ insert: 'items', documents: [{ _id: 1, sku: 'a' }] }");
        await OkAsync(member, "shop", "{ createIndexes: 'items', indexes: [{ key: { sku: 1 }, unique: true }] }");

        var reply = await OkAsync(member, "shop", "{ insert: 'items', documents: [{ _id: 2, sku: 'b' }, { _id: 3, sku: 'a' }, { _id: 4, sku: 'c' }] }");

        Assert.Equal(1, reply["n"].ToInt32());
        var error = Assert.Single(reply["writeErrors"].AsBsonArray).AsBsonDocument;
        Assert.Equal(1, error["index"].ToInt32());
        Assert.Equal((int)ErrorCode.DuplicateKey, error["code"].ToInt32());
        var ids = (await OkAsync(member, "shop", "{ find: 'items', sort: { _id: 1 } }"))["cursor"]["firstBatch"].AsBsonArray.Select(d => d["_id"].ToInt32());
        Assert.Equal([1, 2], ids);
    }

    [Fact]
    public async Task A_restarted_member_rebuilds_an_empty_store_from_its_journal()
    {
        var first = NewStore();
        var member = Sys.ActorOf(ReplicaMember.Props(Settings, first), "member-a");
        await OkAsync(member, "admin", "{ replSetInitiate: null }");
        await AwaitPrimaryAsync(member);
        for (var i = 0; i < 20; i++)
            await OkAsync(member, "app", $"{{ insert: 'log', documents: [{{ _id: {i}, n: {i} }}] }}");
        await OkAsync(member, "app", "{ update: 'log', updates: [{ q: { _id: 5 }, u: { $set: { n: 500 } } }] }");
        await WatchAsync(member);
        member.Tell(PoisonPill.Instance, ActorRefs.NoSender);
        await ExpectTerminatedAsync(member);

        // The same journal (persistence id) with a store that lost everything: recovery re-applies the oplog.
        var second = NewStore();
        var restarted = Sys.ActorOf(ReplicaMember.Props(Settings, second), "member-b");
        await AwaitPrimaryAsync(restarted);

        var docs = (await OkAsync(restarted, "app", "{ find: 'log', sort: { _id: 1 } }"))["cursor"]["firstBatch"].AsBsonArray;
        Assert.Equal(20, docs.Count);
        Assert.Equal(500, docs[5]["n"].ToInt32());
        var status = await OkAsync(restarted, "admin", "{ replSetGetStatus: 1 }");
        Assert.Equal(2, status["term"].ToInt64());
    }

    [Fact]
    public async Task A_retried_find_and_modify_returns_its_first_value_also_once_the_member_rebuilt_its_record_from_the_journal()
    {
        var member = Sys.ActorOf(ReplicaMember.Props(Settings, NewStore()), "member-a");
        await OkAsync(member, "admin", "{ replSetInitiate: null }");
        await AwaitPrimaryAsync(member);
        await OkAsync(member, "app", "{ insert: 'counters', documents: [{ _id: 1, n: 0 }] }");
        const string increment = "{ findAndModify: 'counters', query: { _id: 1 }, update: { $inc: { n: 1 } }, new: true, fields: { n: 1 }, writeId: 'fam-1' }";

        var first = await OkAsync(member, "app", increment);
        await OkAsync(member, "app", "{ update: 'counters', updates: [{ q: { _id: 1 }, u: { $inc: { n: 10 } } }] }");
        var retried = await OkAsync(member, "app", increment);
        await WatchAsync(member);
        member.Tell(PoisonPill.Instance, ActorRefs.NoSender);
        await ExpectTerminatedAsync(member);
        // A new primary learns write ids from the entries it holds, as this member relearns them from its journal.
        var restarted = Sys.ActorOf(ReplicaMember.Props(Settings, NewStore()), "member-b");
        await AwaitPrimaryAsync(restarted);
        var afterRestart = await OkAsync(restarted, "app", increment);

        Assert.Equal(BsonDocument.Parse("{ _id: 1, n: 1 }"), first["value"]);
        Assert.Equal(BsonDocument.Parse("{ n: 1, updatedExisting: true }"), first["lastErrorObject"]);
        Assert.All([retried, afterRestart], reply => Assert.Equal((first["value"], first["lastErrorObject"]), (reply["value"], reply["lastErrorObject"])));
        Assert.Equal(11, Assert.Single((await OkAsync(restarted, "app", "{ find: 'counters' }"))["cursor"]["firstBatch"].AsBsonArray)["n"].ToInt32());
    }

    [Fact]
    public async Task A_linearizable_read_sees_every_acknowledged_write_and_majority_reads_agree()
    {
        var member = await StartPrimaryAsync();

        await OkAsync(member, "app", "{ insert: 'items', documents: [{ _id: 1, v: 'a' }] }");
        await OkAsync(member, "app", "{ update: 'items', updates: [{ q: { _id: 1 }, u: { $set: { v: 'b' } } }] }");

        foreach (var level in new[] { "linearizable", "majority" })
        {
            var found = await OkAsync(member, "app", $"{{ find: 'items', filter: {{ _id: 1 }}, readConcern: {{ level: '{level}' }} }}");
            Assert.Equal("b", Assert.Single(found["cursor"]["firstBatch"].AsBsonArray)["v"].AsString);
        }
    }

    [Fact]
    public async Task The_config_carries_the_term_of_the_primary_that_was_elected_under_it()
    {
        var member = await StartPrimaryAsync();

        await AwaitAssertAsync(async () =>
        {
            var config = (await OkAsync(member, "admin", "{ replSetGetConfig: 1 }"))["config"].AsBsonDocument;
            Assert.Equal(1, config["version"].ToInt64());
            Assert.Equal(1, config["term"].ToInt64());
        }, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task A_retry_that_arrives_while_its_write_is_in_flight_waits_for_it_and_is_not_applied_twice()
    {
        var member = await StartPrimaryAsync();
        await OkAsync(member, "app", "{ insert: 'counters', documents: [{ _id: 1, n: 0 }] }");

        // Both reach the member's mailbox before the first one's journal write completes.
        const string increment = "{ update: 'counters', updates: [{ q: { _id: 1 }, u: { $inc: { n: 1 } } }], writeId: 'w-1' }";
        var first = SendAsync(member, "app", increment);
        var retry = SendAsync(member, "app", increment);
        var replies = await Task.WhenAll(first, retry);

        Assert.All(replies, r => Assert.Equal(1, r.EnsureOk()["nModified"].ToInt32()));
        var counter = Assert.Single((await OkAsync(member, "app", "{ find: 'counters' }"))["cursor"]["firstBatch"].AsBsonArray);
        Assert.Equal(1, counter["n"].ToInt32());

        // A later retry is answered from the record, still without applying it again.
        (await SendAsync(member, "app", increment)).EnsureOk();
        Assert.Equal(1, Assert.Single((await OkAsync(member, "app", "{ find: 'counters' }"))["cursor"]["firstBatch"].AsBsonArray)["n"].ToInt32());
    }
}
