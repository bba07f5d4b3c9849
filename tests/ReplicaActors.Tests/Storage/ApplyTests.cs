using MongoDB.Bson;
using ReplicaActors.Protocol;
using static ReplicaActors.Tests.Storage.Ops;

namespace ReplicaActors.Tests.Storage;

public class ApplyTests : StoreSpec
{
    private static readonly Namespace Users = Namespace.Parse("app.users");

    [Fact]
    public void Insert_creates_the_collection_and_stores_the_document()
    {
        store.ApplyAll(Insert(1, "app.users", Doc("{ _id: 1, name: 'ada' }")));

        Assert.Equal(Doc("{ _id: 1, name: 'ada' }"), store.Reader.FindById(Users, 1));
        Assert.Equal("users", Assert.Single(store.Reader.ListCollections("app")).Name);
        Assert.Equal(At(1), store.Reader.ListCollections("app")[0].CreatedAt);
    }

    [Fact]
    public void Update_replaces_the_whole_document_and_upserts_a_missing_one()
    {
        store.ApplyAll(
            Insert(1, "app.users", Doc("{ _id: 1, name: 'ada', age: 36 }")),
            Update(2, "app.users", 1, Doc("{ _id: 1, name: 'ada lovelace' }")),
            Update(3, "app.users", 2, Doc("{ name: 'alan' }")));

        Assert.Equal(Doc("{ _id: 1, name: 'ada lovelace' }"), store.Reader.FindById(Users, 1));
        Assert.Equal(Doc("{ _id: 2, name: 'alan' }"), store.Reader.FindById(Users, 2));
    }

    [Fact]
    public void Update_that_changes_the_id_is_refused()
    {
        using var batch = store.BeginBatch();
        var e = Assert.Throws<ReplicaException>(() => batch.Apply(Update(1, "app.users", 1, Doc("{ _id: 2 }"))));
        Assert.Equal(ErrorCode.ImmutableField, e.Code);
        Assert.False(batch.CollectionExists(Users));
    }

    [Fact]
    public void Delete_removes_the_document_and_deleting_a_missing_one_does_nothing()
    {
        store.ApplyAll(
            Insert(1, "app.users", Doc("{ _id: 1 }")),
            Insert(2, "app.users", Doc("{ _id: 2 }")),
            Delete(3, "app.users", 1),
            Delete(4, "app.users", 99));

        Assert.Null(store.Reader.FindById(Users, 1));
        Assert.Equal([Doc("{ _id: 2 }")], store.Reader.Scan(Users));
    }

    [Fact]
    public void Noop_changes_nothing_but_advances_the_applied_optime()
    {
        store.ApplyAll(Noop(7));

        Assert.Equal(At(7), store.AppliedOpTime);
        Assert.Empty(store.Reader.ListDatabases());
    }

    [Fact]
    public void Create_command_creates_an_empty_collection()
    {
        store.ApplyAll(Command(1, "app", Doc("{ create: 'users' }")));

        Assert.Equal(0, store.Reader.Count(Users));
        Assert.Equal("users", Assert.Single(store.Reader.ListCollections("app")).Name);
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(1.0)]
    public void Id_equality_follows_MongoDB_across_numeric_types(object sameId)
    {
        store.ApplyAll(
            Insert(1, "app.users", Doc("{ _id: 1, v: 'int' }")),
            Insert(2, "app.users", new BsonDocument { { "_id", BsonValue.Create(sameId) }, { "v", "other" } }));

        Assert.Equal(1, store.Reader.Count(Users));
        Assert.Equal("other", store.Reader.FindById(Users, 1)!["v"].AsString);
        Assert.NotNull(store.Reader.FindById(Users, new BsonDecimal128(Decimal128.Parse("1.0"))));
    }

    [Fact]
    public void Reapplying_the_same_entries_leaves_the_same_state()
    {
        OplogEntry[] entries =
        [
            Insert(1, "app.users", Doc("{ _id: 1, n: 1 }")),
            Insert(2, "app.users", Doc("{ _id: 2, n: 2 }")),
            UniqueIndex(3, "app", "users", Doc("{ n: 1 }")),
            Update(4, "app.users", 1, Doc("{ _id: 1, n: 10 }")),
            Delete(5, "app.users", 2),
            Command(6, "app", Doc("{ create: 'empty' }")),
            Command(7, "app", Doc("{ dropIndexes: 'users', index: 'n_1' }")),
            Command(8, "app", Doc("{ drop: 'empty' }")),
        ];
        store.ApplyAll(entries);
        var once = Snapshot();

        store.ApplyAll(entries);
        store.ApplyAll(entries[..5]);
        store.ApplyAll(entries[5..]);

        Assert.Equal(once, Snapshot());
        Assert.Equal(At(8), store.AppliedOpTime);
    }

    [Theory]
    [InlineData("{ create: 5 }", ErrorCode.TypeMismatch)]
    [InlineData("{ renameCollection: 'a' }", ErrorCode.BadValue)]
    [InlineData("{ createIndexes: 'c', indexes: [] }", ErrorCode.FailedToParse)]
    [InlineData("{ createIndexes: 'c', indexes: [{ key: { a: 0 } }] }", ErrorCode.CannotCreateIndex)]
    [InlineData("{ createIndexes: 'c', indexes: [{ name: 'x' }] }", ErrorCode.FailedToParse)]
    [InlineData("{ dropIndexes: 'c', index: '_id_' }", ErrorCode.InvalidOptions)]
    [InlineData("{ create: 'system.x' }", ErrorCode.InvalidNamespace)]
    public void Malformed_commands_are_refused_with_their_code(string command, ErrorCode expected)
    {
        using var batch = store.BeginBatch();
        var e = Assert.Throws<ReplicaException>(() => batch.Apply(Command(1, "app", Doc(command))));
        Assert.Equal(expected, e.Code);
    }

    [Fact]
    public void Insert_without_id_is_refused()
    {
        using var batch = store.BeginBatch();
        Assert.Equal(ErrorCode.BadValue, Assert.Throws<ReplicaException>(() => batch.Apply(Insert(1, "app.users", Doc("{ a: 1 }")))).Code);
    }

    private string Snapshot() =>
        string.Join("\n", store.Reader.ListCollections("app").Select(c =>
        {
            var ns = new Namespace("app", c.Name);
            return $"{c.Name}: {new BsonArray(store.Reader.Scan(ns))} {new BsonArray(store.Reader.ListIndexes(ns).Select(i => i.ToBson()))}";
        }));
}
