using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Storage.Commands;
using static ReplicaActors.Tests.Storage.Ops;

namespace ReplicaActors.Tests.Storage;

/// <summary>findAndModify as the primary runs it: one write in the open batch, choosing, changing and answering in one step.</summary>
public sealed class FindAndModifyTests : WriteCommandSpec
{
    public FindAndModifyTests() =>
        store.ApplyAll(Insert(1, Items.Full, Doc("{ _id: 1, q: 5, tag: 'x' }")), Insert(2, Items.Full, Doc("{ _id: 2, q: 3, tag: 'x' }")));

    [Fact]
    public void Calls_in_one_batch_each_return_the_version_their_own_increment_changed()
    {
        var outcomes = Run(
            "{ findAndModify: 'items', query: { _id: 1 }, update: { $inc: { q: 1 } } }",
            "{ findAndModify: 'items', query: { _id: 1 }, update: { $inc: { q: 1 } }, new: true }",
            "{ findAndModify: 'items', query: { _id: 1 }, update: { $inc: { q: 1 } } }");

        Assert.Equal([5, 7, 7], outcomes.Select(o => o.Reply["value"]["q"].ToInt32()));
        Assert.All(outcomes, o => Assert.Equal(Doc("{ n: 1, updatedExisting: true }"), o.Reply["lastErrorObject"]));
        Assert.Equal(8, Stored(1)!["q"].ToInt32());
        var entry = Assert.Single(outcomes[0].Entries);
        Assert.Equal((OpType.Update, (BsonValue)1, Doc("{ _id: 1, q: 6, tag: 'x' }")), (entry.Op, entry.O2!, entry.O));
    }

    [Fact]
    public void The_first_match_in_sort_order_is_changed_and_the_value_is_projected()
    {
        var outcome = Assert.Single(Run("{ findAndModify: 'items', query: { tag: 'x' }, sort: { q: 1 }, update: { $set: { q: 0 } }, new: true, fields: { _id: 0, q: 1 } }"));

        Assert.Equal(Doc("{ q: 0 }"), outcome.Reply["value"]);
        Assert.Equal(0, Stored(2)!["q"].ToInt32());
        Assert.Equal(5, Stored(1)!["q"].ToInt32());
    }

    [Fact]
    public void A_replacement_upsert_and_remove_answer_as_mongodb_does()
    {
        var outcomes = Run(
            "{ findAndModify: 'items', query: { _id: 2 }, update: { tag: 'y' } }",
            "{ findAndModify: 'items', query: { _id: 3, tag: 'z' }, update: { $set: { q: 9 } }, upsert: true, new: true }",
            "{ findAndModify: 'items', query: { _id: 4 }, update: { $set: { q: 1 } }, upsert: true }",
            "{ findAndModify: 'items', query: { tag: 'x' }, remove: true }",
            "{ findAndModify: 'items', query: { _id: 99 }, remove: true }",
            "{ findAndModify: 'items', query: { _id: 99 }, update: { $set: { q: 1 } } }");

        Assert.Equal(Doc("{ lastErrorObject: { n: 1, updatedExisting: true }, value: { _id: 2, q: 3, tag: 'x' } }"), outcomes[0].Reply);
        Assert.Equal(Doc("{ lastErrorObject: { n: 1, updatedExisting: false, upserted: 3 }, value: { _id: 3, tag: 'z', q: 9 } }"), outcomes[1].Reply);
        Assert.Equal(Doc("{ lastErrorObject: { n: 1, updatedExisting: false, upserted: 4 }, value: null }"), outcomes[2].Reply);
        Assert.Equal(Doc("{ lastErrorObject: { n: 1 }, value: { _id: 1, q: 5, tag: 'x' } }"), outcomes[3].Reply);
        Assert.Equal(Doc("{ lastErrorObject: { n: 0 }, value: null }"), outcomes[4].Reply);
        Assert.Equal(Doc("{ lastErrorObject: { n: 0, updatedExisting: false }, value: null }"), outcomes[5].Reply);
        Assert.Equal([OpType.Update, OpType.Insert, OpType.Insert, OpType.Delete], outcomes.SelectMany(o => o.Entries).Select(e => e.Op));
        Assert.Equal(Doc("{ _id: 2, tag: 'y' }"), Stored(2));
        Assert.Null(Stored(1));
    }

    [Fact]
    public void With_a_write_id_the_entry_carries_the_reply_a_retry_needs_and_without_one_it_does_not()
    {
        var outcomes = Run(
            "{ findAndModify: 'items', query: { _id: 1 }, update: { $inc: { q: 1 } }, fields: { q: 1 }, writeId: 'w-1' }",
            "{ findAndModify: 'items', query: { _id: 1 }, update: { $inc: { q: 1 } } }",
            "{ findAndModify: 'items', query: { _id: 1 }, update: { $set: { q: 7 } }, writeId: 'w-2' }");

        var carried = Assert.Single(outcomes[0].Entries);
        Assert.Equal((BsonValue)"w-1", carried.WriteId);
        Assert.Equal(Doc("{ lastErrorObject: { n: 1, updatedExisting: true }, value: { _id: 1, q: 5 } }"), carried.Reply);
        Assert.Null(Assert.Single(outcomes[1].Entries).Reply);
        // Setting what is already there changes nothing: no entry, so nothing to carry.
        Assert.Empty(outcomes[2].Entries);
    }

    [Theory]
    [InlineData("{ findAndModify: 'items', query: { _id: 1 } }", ErrorCode.FailedToParse, "exactly one of 'remove: true' and 'update'")]
    [InlineData("{ findAndModify: 'items', remove: true, update: { $set: { q: 1 } } }", ErrorCode.FailedToParse, "exactly one of")]
    [InlineData("{ findAndModify: 'items', remove: true, new: true }", ErrorCode.FailedToParse, "neither 'new: true' nor 'upsert: true'")]
    [InlineData("{ findAndModify: 'items', update: [{ $set: { q: 1 } }] }", ErrorCode.CommandNotSupported, "update pipelines are not supported")]
    [InlineData("{ findAndModify: 'items', update: 5 }", ErrorCode.TypeMismatch, "'update' must be a document")]
    [InlineData("{ findAndModify: 'items', query: 5, remove: true }", ErrorCode.TypeMismatch, "'query' must be a document")]
    [InlineData("{ findAndModify: 'items', update: { $set: { q: 1 } }, arrayFilters: [{ 'e.a': 1 }] }", ErrorCode.FailedToParse, "identifier 'e' was not used")]
    [InlineData("{ findAndModify: 'items', update: { $set: { q: 1 } }, arrayFilters: 5 }", ErrorCode.TypeMismatch, "'arrayFilters' must be an array")]
    [InlineData("{ findAndModify: 'items', query: { tag: 'none' }, update: { _id: 1, tag: 'none' }, upsert: true }", ErrorCode.DuplicateKey, "dup key")]
    [InlineData("{ findAndModify: 5, remove: true }", ErrorCode.InvalidNamespace, "needs a collection name")]
    public void Bad_input_is_refused_with_an_error_that_names_it(string command, ErrorCode code, string message)
    {
        var e = Assert.Throws<ReplicaException>(() => Run(command));

        Assert.Equal(code, e.Code);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void The_update_command_refuses_array_filters_it_cannot_use_instead_of_ignoring_them()
    {
        var outcome = Assert.Single(Run("{ update: 'items', updates: [{ q: { _id: 1 }, u: { $set: { q: 0 } }, arrayFilters: [{ 'e.a': 1 }] }] }"));

        Assert.Equal((int)ErrorCode.FailedToParse, outcome.Reply["writeErrors"][0]["code"].ToInt32());
        Assert.Equal(5, Stored(1)!["q"].ToInt32());
    }
}
