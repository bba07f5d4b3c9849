using ReplicaActors.Protocol;
using ReplicaActors.Storage;
using static ReplicaActors.Tests.Storage.Ops;

namespace ReplicaActors.Tests.Storage;

public class BatchTests : IDisposable
{
    private static readonly Namespace Items = Namespace.Parse("shop.items");
    private readonly string dbPath = Path.Combine(Path.GetTempPath(), $"replica-store-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(dbPath)) Directory.Delete(dbPath, recursive: true);
    }

    [Fact]
    public void Applied_optime_and_documents_survive_reopening_the_file()
    {
        using (var store = DocumentStore.Open(dbPath))
        {
            Assert.Equal(OpTime.Null, store.AppliedOpTime);
            store.ApplyAll(Insert(1, "shop.items", Doc("{ _id: 1 }")), Insert(2, "shop.items", Doc("{ _id: 2 }")));
        }

        using var reopened = DocumentStore.Open(dbPath);
        Assert.Equal(At(2), reopened.AppliedOpTime);
        Assert.Equal(2, reopened.Reader.Count(Items));
        Assert.True(File.Exists(Path.Combine(dbPath, DocumentStore.FileName)));
    }

    [Fact]
    public void Uncommitted_batch_is_seen_by_itself_not_by_readers_and_lost_on_dispose()
    {
        using var store = DocumentStore.Open(dbPath);
        store.ApplyAll(Insert(1, "shop.items", Doc("{ _id: 1 }")));

        using (var batch = store.BeginBatch())
        {
            batch.Apply(Insert(2, "shop.items", Doc("{ _id: 2 }")));
            batch.Apply(Command(3, "shop", Doc("{ create: 'orders' }")));

            Assert.NotNull(batch.FindById(Items, 2));
            Assert.True(batch.CollectionExists(Namespace.Parse("shop.orders")));
            Assert.Null(store.Reader.FindById(Items, 2));
            Assert.Equal(1, store.Reader.Count(Items));
            Assert.Equal(At(1), store.AppliedOpTime);
        }

        Assert.Null(store.Reader.FindById(Items, 2));
        Assert.Equal(["items"], store.Reader.ListCollections("shop").Select(c => c.Name));
        Assert.Equal(At(1), store.AppliedOpTime);
    }

    [Fact]
    public void Rolled_back_savepoint_undoes_only_its_writes_and_their_optime()
    {
        using var store = DocumentStore.OpenTemporary();
        using (var batch = store.BeginBatch())
        {
            batch.Apply(Insert(1, "shop.items", Doc("{ _id: 1 }")));
            using (batch.Savepoint())
            {
                batch.Apply(Insert(2, "shop.items", Doc("{ _id: 2 }")));
                batch.Apply(Delete(3, "shop.items", 1));
            }
            using (var kept = batch.Savepoint())
            {
                batch.Apply(Insert(4, "shop.items", Doc("{ _id: 4 }")));
                kept.Release();
            }
            Assert.Equal([Doc("{ _id: 1 }"), Doc("{ _id: 4 }")], batch.Scan(Items));
            batch.Commit();
        }

        Assert.Equal(At(4), store.AppliedOpTime);
        Assert.Equal(2, store.Reader.Count(Items));
    }

    [Fact]
    public void Applied_optime_of_a_batch_whose_only_entries_were_undone_stays_put()
    {
        using var store = DocumentStore.OpenTemporary();
        store.ApplyAll(Noop(1));
        using (var batch = store.BeginBatch())
        {
            using (batch.Savepoint()) batch.Apply(Noop(2));
            batch.Commit();
        }

        Assert.Equal(At(1), store.AppliedOpTime);
    }

    [Fact]
    public void Only_one_batch_at_a_time()
    {
        using var store = DocumentStore.OpenTemporary();
        using var batch = store.BeginBatch();

        Assert.Equal(ErrorCode.IllegalOperation, Assert.Throws<ReplicaException>(() => store.BeginBatch()).Code);
        Assert.Equal(ErrorCode.IllegalOperation, Assert.Throws<ReplicaException>(() => store.PruneHistory(At(1))).Code);
    }

    [Fact]
    public void Temporary_stores_are_separate_and_deleted_on_dispose()
    {
        using var first = DocumentStore.OpenTemporary();
        var second = DocumentStore.OpenTemporary();
        first.ApplyAll(Insert(1, "shop.items", Doc("{ _id: 1 }")));

        Assert.Equal(1, first.Reader.Count(Items));
        Assert.Equal(0, second.Reader.Count(Items));
        Assert.NotEqual(first.DataFile, second.DataFile);
        Assert.True(File.Exists(second.DataFile));
        second.Dispose();
        Assert.False(File.Exists(second.DataFile));
    }
}
