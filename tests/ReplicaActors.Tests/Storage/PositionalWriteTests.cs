using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Storage;
using static ReplicaActors.Tests.Storage.Ops;

namespace ReplicaActors.Tests.Storage;

/// <summary>Positional updates through the write commands: resolved per document on the primary, logged as the documents they made.</summary>
public sealed class PositionalWriteTests : WriteCommandSpec
{
    private static readonly OplogEntry[] Seed =
    [
        Insert(1, Items.Full, Doc("{ _id: 1, items: [{ sku: 'a', q: 1 }, { sku: 'b', q: 2 }] }")),
        Insert(2, Items.Full, Doc("{ _id: 2, items: [{ sku: 'b', q: 5 }, { sku: 'a', q: 6 }] }")),
    ];

    public PositionalWriteTests() => store.ApplyAll(Seed);

    [Fact]
    public void A_multi_update_takes_each_documents_own_matched_position_and_logs_the_resulting_documents()
    {
        var outcome = Assert.Single(Run("{ update: 'items', updates: [{ q: { 'items.sku': 'b' }, u: { $inc: { 'items.$.q': 10 } }, multi: true }] }"));

        Assert.Equal(Doc("{ n: 2, nModified: 2 }"), outcome.Reply);
        Assert.Equal(Doc("{ _id: 1, items: [{ sku: 'a', q: 1 }, { sku: 'b', q: 12 }] }"), Stored(1));
        Assert.Equal(Doc("{ _id: 2, items: [{ sku: 'b', q: 15 }, { sku: 'a', q: 6 }] }"), Stored(2));
        // Each entry is the whole new document, so a secondary stores it as it is and never resolves a positional path.
        Assert.Equal([Stored(1), Stored(2)], outcome.Entries.Select(e => e.O));
        using var secondary = DocumentStore.OpenTemporary();
        secondary.ApplyAll([.. Seed, .. outcome.Entries]);
        Assert.Equal(Stored(1), secondary.Reader.FindById(Items, 1));
        Assert.Equal(Stored(2), secondary.Reader.FindById(Items, 2));
    }

    [Fact]
    public void Array_filters_of_an_update_statement_choose_elements_in_every_document_it_matches()
    {
        var outcome = Assert.Single(Run(
            "{ update: 'items', updates: [{ q: {}, u: { $set: { 'items.$[big].flag': true } }, arrayFilters: [{ 'big.q': { $gt: 5 } }], multi: true }] }"));

        Assert.Equal(Doc("{ n: 2, nModified: 1 }"), outcome.Reply);
        Assert.Equal(Doc("{ _id: 2, items: [{ sku: 'b', q: 5 }, { sku: 'a', q: 6, flag: true }] }"), Assert.Single(outcome.Entries).O);
    }

    [Fact]
    public void Find_and_modify_resolves_positional_paths_in_the_document_it_returns()
    {
        var outcomes = Run(
            "{ findAndModify: 'items', query: { _id: 1, 'items.sku': 'b' }, update: { $set: { 'items.$.q': 0 } }, new: true }",
            "{ findAndModify: 'items', query: { _id: 2 }, update: { $mul: { 'items.$[e].q': 2 } }, arrayFilters: [{ 'e.sku': 'a' }], new: true }",
            "{ findAndModify: 'items', query: { _id: 2 }, update: { $pop: { 'items': 1 } }, new: true }");

        Assert.Equal(Doc("{ _id: 1, items: [{ sku: 'a', q: 1 }, { sku: 'b', q: 0 }] }"), outcomes[0].Reply["value"]);
        Assert.Equal(Doc("{ _id: 2, items: [{ sku: 'b', q: 5 }, { sku: 'a', q: 12 }] }"), outcomes[1].Reply["value"]);
        Assert.Equal(Doc("{ _id: 2, items: [{ sku: 'b', q: 5 }] }"), Stored(2));
    }

    [Theory]
    [InlineData("{ q: { _id: 7 }, u: { $set: { 'items.$.q': 1 } }, upsert: true }", "The positional operator did not find the match needed from the query.")]
    [InlineData("{ q: { _id: 7 }, u: { $set: { 'items.$[].q': 1 } }, upsert: true }", "The path 'items' must exist in the document in order to apply array updates.")]
    [InlineData("{ q: { _id: 1 }, u: { $set: { 'items.$.q': 1 } } }", "The positional operator did not find the match needed from the query.")]
    public void A_positional_path_without_a_position_fails_the_statement_and_stores_nothing(string statement, string message)
    {
        var outcome = Assert.Single(Run($"{{ update: 'items', updates: [{statement}] }}"));

        var error = outcome.Reply["writeErrors"][0];
        Assert.Equal(((int)ErrorCode.BadValue, message), (error["code"].ToInt32(), error["errmsg"].AsString));
        Assert.Empty(outcome.Entries);
        Assert.Null(Stored(7));
        Assert.Equal(1, Stored(1)!["items"][0]["q"].ToInt32());
    }
}
