using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Storage;
using static ReplicaActors.Tests.Storage.Ops;

namespace ReplicaActors.Tests.Storage;

/// <summary>The store's side of initial sync: the durable marker, the wipe, loading a clone, and paging a collection for a cloner.</summary>
public class CloneTests : StoreSpec
{
    private static readonly Namespace Items = Namespace.Parse("shop.items");

    [Fact]
    public void The_wipe_leaves_no_collection_document_index_or_applied_optime_and_sets_the_marker()
    {
        store.ApplyAll(UniqueIndex(1, "shop", "items", Doc("{ code: 1 }")), Insert(2, "shop.items", Doc("{ _id: 1, code: 'a' }")));
        Assert.True(store.Reader.HasData);
        Assert.False(store.Reader.InitialSyncInProgress);

        store.WipeForInitialSync();

        Assert.False(store.Reader.HasData);
        Assert.True(store.Reader.InitialSyncInProgress);
        Assert.Equal(OpTime.Null, store.AppliedOpTime);
        Assert.Empty(store.Reader.ListDatabases());
        store.FinishInitialSync();
        Assert.False(store.Reader.InitialSyncInProgress);
    }

    [Fact]
    public void The_marker_alone_keeps_the_data_until_the_wipe()
    {
        store.ApplyAll(Insert(1, "shop.items", Doc("{ _id: 1 }")));

        store.MarkInitialSync();

        Assert.True(store.Reader.InitialSyncInProgress);
        Assert.Equal(1, store.Reader.Count(Items));
    }

    [Fact]
    public void Cloned_documents_load_and_cloned_indexes_build_over_them()
    {
        store.LoadCloned(Items, At(5), [Cloned("{ _id: 1, code: 'a' }"), Cloned("{ _id: 2, code: 'b' }")]);
        store.LoadCloned(Items, At(5), [Cloned("{ _id: 3, code: 'c' }")]);
        store.BuildClonedIndexes(Items, [IndexSpec.Id, new IndexSpec("code_1", Doc("{ code: 1 }"), Unique: true)]);

        Assert.Equal(3, store.Reader.Count(Items));
        Assert.Equal(["_id_", "code_1"], store.Reader.ListIndexes(Items).Select(i => i.Name));
        Assert.Equal(At(5), store.Reader.ListCollections("shop").Single().CreatedAt);
        using var batch = store.BeginBatch();
        var duplicate = Assert.Throws<ReplicaException>(() => batch.Apply(Insert(6, "shop.items", Doc("{ _id: 4, code: 'a' }"))));
        Assert.Equal(ErrorCode.DuplicateKey, duplicate.Code);
    }

    [Fact]
    public void An_empty_cloned_collection_still_exists()
    {
        store.LoadCloned(Items, At(5), []);

        Assert.Single(store.Reader.ListCollections("shop"));
    }

    [Fact]
    public void Pages_walk_the_collection_in_id_order_without_gaps_or_repeats()
    {
        store.ApplyAll(Enumerable.Range(0, 25).Select(i => Insert((uint)(i + 1), "shop.items", new BsonDocument { { "_id", 24 - i }, { "pad", new string('x', 10) } })).ToArray());

        var seen = new List<int>();
        var after = Array.Empty<byte>();
        var pages = 0;
        while (true)
        {
            var page = store.Reader.ClonePage(Items, after, maxDocuments: 10, maxBytes: 1 << 20);
            pages++;
            seen.AddRange(page.Documents.Select(d => d.ToDocument()["_id"].AsInt32));
            Assert.All(page.Documents, d => Assert.Equal(KeyEncoder.Encode(d.ToDocument()["_id"]), d.IdKey));
            Assert.Equal(page.Documents.Sum(d => (long)d.Bson.Length), page.Bytes);
            after = page.LastKey;
            if (page.Done) break;
        }

        Assert.Equal(Enumerable.Range(0, 25), seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public void A_page_stops_at_its_byte_budget_but_always_holds_one_document()
    {
        store.ApplyAll(Insert(1, "shop.items", new BsonDocument { { "_id", 1 }, { "pad", new string('x', 500) } }),
            Insert(2, "shop.items", new BsonDocument { { "_id", 2 }, { "pad", new string('x', 500) } }));

        var first = store.Reader.ClonePage(Items, [], maxDocuments: 10, maxBytes: 100);
        var second = store.Reader.ClonePage(Items, first.LastKey, maxDocuments: 10, maxBytes: 100);

        Assert.Equal((1, false), (first.Documents.Count, first.Done));
        Assert.Equal((1, true), (second.Documents.Count, second.Done));
    }

    [Fact]
    public void Clone_totals_count_each_collections_documents_and_bytes()
    {
        var a = Doc("{ _id: 1, code: 'a' }");
        var b = Doc("{ _id: 2, code: 'bb' }");
        var c = Doc("{ _id: 'c' }");
        store.ApplyAll(Insert(1, "shop.items", a), Insert(2, "shop.items", b), Insert(3, "other.things", c));

        var totals = store.Reader.CloneTotals();

        Assert.Equal([
            (Namespace.Parse("other.things"), At(3), 1L, (long)c.ToBson().Length),
            (Items, At(1), 2L, (long)(a.ToBson().Length + b.ToBson().Length)),
        ], totals);
    }

    private static ClonedDocument Cloned(string json) => KeyEncoder.Clone(Doc(json));
}
