using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Storage;
using static ReplicaActors.Tests.Storage.Ops;

namespace ReplicaActors.Tests.Storage;

public class CatalogTests : StoreSpec
{

    public CatalogTests() => store.ApplyAll(
        Insert(1, "shop.items", Doc("{ _id: 1, sku: 'x' }")),
        Insert(2, "shop.orders", Doc("{ _id: 1 }")),
        Command(3, "logs", Doc("{ create: 'events' }")),
        UniqueIndex(4, "shop", "items", Doc("{ sku: 1 }")),
        Command(5, "shop", Doc("{ createIndexes: 'items', indexes: [{ key: { a: 1, b: -1 } }] }")));

    [Fact]
    public void ListDatabases_shows_every_database_with_its_size()
    {
        var databases = store.Reader.ListDatabases();

        Assert.Equal(["logs", "shop"], databases.Select(d => d.Name));
        Assert.Equal(new DatabaseInfo("logs", 0, Empty: true), databases[0]);
        var shopSize = Doc("{ _id: 1, sku: 'x' }").ToBson().Length + Doc("{ _id: 1 }").ToBson().Length;
        Assert.Equal(new DatabaseInfo("shop", shopSize, Empty: false), databases[1]);
        Assert.Equal(shopSize, store.Reader.ApproximateSize("shop"));
    }

    [Fact]
    public void ListCollections_names_each_collection_with_its_creation_optime()
    {
        Assert.Equal([new CollectionInfo("items", At(1)), new CollectionInfo("orders", At(2))], store.Reader.ListCollections("shop"));
        Assert.Empty(store.Reader.ListCollections("nothing"));
    }

    [Fact]
    public void ListIndexes_shows_id_first_then_the_others_as_MongoDB_does()
    {
        var indexes = store.Reader.ListIndexes(Namespace.Parse("shop.items")).Select(i => i.ToBson().ToString());

        Assert.Equal(
        [
            "{ \"v\" : 2, \"key\" : { \"_id\" : 1 }, \"name\" : \"_id_\" }",
            "{ \"v\" : 2, \"key\" : { \"sku\" : 1 }, \"name\" : \"sku_1\", \"unique\" : true }",
            "{ \"v\" : 2, \"key\" : { \"a\" : 1, \"b\" : -1 }, \"name\" : \"a_1_b_-1\" }",
        ], indexes);
        Assert.Equal(ErrorCode.NamespaceNotFound, Assert.Throws<ReplicaException>(() => store.Reader.ListIndexes(Namespace.Parse("shop.none"))).Code);
    }

    [Fact]
    public void DropIndexes_star_drops_all_but_id()
    {
        store.ApplyAll(Command(6, "shop", Doc("{ dropIndexes: 'items', index: '*' }")));

        Assert.Equal([IndexSpec.IdIndexName], store.Reader.ListIndexes(Namespace.Parse("shop.items")).Select(i => i.Name));
    }

    [Fact]
    public void Drop_removes_the_collection_its_documents_and_its_indexes()
    {
        store.ApplyAll(
            Command(6, "shop", Doc("{ drop: 'items' }")),
            Insert(7, "shop.items", Doc("{ _id: 2, sku: 'x' }")),
            Insert(8, "shop.items", Doc("{ _id: 3, sku: 'x' }")));

        Assert.Equal([IndexSpec.IdIndexName], store.Reader.ListIndexes(Namespace.Parse("shop.items")).Select(i => i.Name));
        Assert.Null(store.Reader.FindById(Namespace.Parse("shop.items"), 1));
        Assert.Equal(2, store.Reader.Count(Namespace.Parse("shop.items")));
    }

    [Fact]
    public void DropDatabase_removes_only_that_database()
    {
        store.ApplyAll(Command(6, "shop", Doc("{ dropDatabase: 1 }")));

        Assert.Equal(["logs"], store.Reader.ListDatabases().Select(d => d.Name));
        Assert.Equal(0, store.Reader.Count(Namespace.Parse("shop.items")));
        Assert.Equal(0, store.Reader.ApproximateSize("shop"));
    }
}
