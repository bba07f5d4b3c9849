using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Storage;
using static ReplicaActors.Tests.Storage.Ops;

namespace ReplicaActors.Tests.Storage;

public class UniqueIndexTests : StoreSpec
{
    private static readonly Namespace People = Namespace.Parse("app.people");

    public static TheoryData<string, string, string, string> Violations => new()
    {
        // index key, existing document, violating document, expected message tail
        { "{ email: 1 }", "{ _id: 1, email: 'a@x' }", "{ _id: 2, email: 'a@x' }", "index: email_1 dup key: { email: \"a@x\" }" },
        { "{ email: 1 }", "{ _id: 1 }", "{ _id: 2, email: null }", "index: email_1 dup key: { email: null }" },
        { "{ a: 1, b: -1 }", "{ _id: 1, a: 1, b: 'x' }", "{ _id: 2, a: 1.0, b: 'x' }", "index: a_1_b_-1 dup key: { a: 1.0, b: \"x\" }" },
        { "{ tags: 1 }", "{ _id: 1, tags: ['red', 'blue'] }", "{ _id: 2, tags: ['green', 'blue'] }", "index: tags_1 dup key: { tags: \"blue\" }" },
        { "{ 'addr.city': 1 }", "{ _id: 1, addr: [{ city: 'Oslo' }] }", "{ _id: 2, addr: { city: 'Oslo' } }", "index: addr.city_1 dup key: { addr.city: \"Oslo\" }" },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public void A_violating_write_throws_E11000_and_changes_nothing(string key, string existing, string violating, string message)
    {
        store.ApplyAll(Insert(1, "app.people", Doc(existing)), UniqueIndex(2, "app", "people", Doc(key)));

        using var batch = store.BeginBatch();
        var e = Assert.Throws<ReplicaException>(() => batch.Apply(Insert(3, "app.people", Doc(violating))));

        Assert.Equal(ErrorCode.DuplicateKey, e.Code);
        Assert.Equal($"E11000 duplicate key error collection: app.people {message}", e.Message);
        Assert.Equal([Doc(existing)], batch.Scan(People));
        batch.Commit();
        Assert.Equal(At(2), store.AppliedOpTime);
    }

    [Theory]
    [InlineData("{ a: 1, b: 1 }", "{ _id: 2, a: 1, b: 2 }")]
    [InlineData("{ tags: 1 }", "{ _id: 2, tags: ['c', 'd'] }")]
    public void Keys_that_differ_are_accepted(string key, string other)
    {
        store.ApplyAll(
            Insert(1, "app.people", Doc("{ _id: 1, a: 1, b: 1, tags: ['a', 'b', 'a'] }")),
            UniqueIndex(2, "app", "people", Doc(key)),
            Insert(3, "app.people", Doc(other)));

        Assert.Equal(2, store.Reader.Count(People));
    }

    [Fact]
    public void A_document_may_replace_itself_keeping_its_unique_key()
    {
        store.ApplyAll(
            Insert(1, "app.people", Doc("{ _id: 1, email: 'a@x', n: 1 }")),
            UniqueIndex(2, "app", "people", Doc("{ email: 1 }")),
            Update(3, "app.people", 1, Doc("{ _id: 1, email: 'a@x', n: 2 }")),
            Update(4, "app.people", 1, Doc("{ _id: 1, email: 'b@x' }")),
            Insert(5, "app.people", Doc("{ _id: 2, email: 'a@x' }")));

        Assert.Equal(2, store.Reader.Count(People));
    }

    [Fact]
    public void A_freed_key_can_be_taken_by_another_document()
    {
        store.ApplyAll(
            Insert(1, "app.people", Doc("{ _id: 1, email: 'a@x' }")),
            UniqueIndex(2, "app", "people", Doc("{ email: 1 }")),
            Delete(3, "app.people", 1),
            Insert(4, "app.people", Doc("{ _id: 2, email: 'a@x' }")));

        Assert.NotNull(store.Reader.FindById(People, 2));
    }

    [Fact]
    public void Creating_a_unique_index_over_duplicates_fails_and_creates_nothing()
    {
        store.ApplyAll(Insert(1, "app.people", Doc("{ _id: 1, email: 'a@x' }")), Insert(2, "app.people", Doc("{ _id: 2, email: 'a@x' }")));

        using var batch = store.BeginBatch();
        var e = Assert.Throws<ReplicaException>(() => batch.Apply(UniqueIndex(3, "app", "people", Doc("{ email: 1 }"))));

        Assert.Equal(ErrorCode.DuplicateKey, e.Code);
        Assert.Equal([IndexSpec.IdIndexName], batch.GetIndexes(People).Select(i => i.Name));
        batch.Apply(Insert(4, "app.people", Doc("{ _id: 3, email: 'a@x' }")));
        Assert.Equal(3, batch.Scan(People).Count());
    }

    [Fact]
    public void An_index_with_the_same_name_and_another_key_conflicts()
    {
        store.ApplyAll(UniqueIndex(1, "app", "people", Doc("{ a: 1 }"), name: "idx"));

        using var batch = store.BeginBatch();
        Assert.Equal(ErrorCode.IndexKeySpecsConflict,
            Assert.Throws<ReplicaException>(() => batch.Apply(UniqueIndex(2, "app", "people", Doc("{ b: 1 }"), name: "idx"))).Code);
        Assert.Equal(ErrorCode.IndexOptionsConflict,
            Assert.Throws<ReplicaException>(() => batch.Apply(UniqueIndex(3, "app", "people", Doc("{ a: 1 }"), name: "other"))).Code);
    }

    [Fact]
    public void Dropped_unique_index_no_longer_constrains()
    {
        store.ApplyAll(
            Insert(1, "app.people", Doc("{ _id: 1, email: 'a@x' }")),
            UniqueIndex(2, "app", "people", Doc("{ email: 1 }")),
            Command(3, "app", Doc("{ dropIndexes: 'people', index: { email: 1 } }")),
            Insert(4, "app.people", Doc("{ _id: 2, email: 'a@x' }")));

        Assert.Equal(2, store.Reader.Count(People));
        Assert.Equal([IndexSpec.IdIndexName], store.Reader.ListIndexes(People).Select(i => i.Name));
    }
}
