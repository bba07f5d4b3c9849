using MongoDB.Bson;
using ReplicaActors.Protocol;
using static ReplicaActors.Tests.Storage.Ops;

namespace ReplicaActors.Tests.Storage;

public class HistoryTests : StoreSpec
{
    private static readonly Namespace Accounts = Namespace.Parse("bank.accounts");

    public HistoryTests() => store.ApplyAll(
        Insert(1, "bank.accounts", Doc("{ _id: 'a', balance: 10 }")),
        Insert(2, "bank.accounts", Doc("{ _id: 'b', balance: 20 }")),
        Update(3, "bank.accounts", "a", Doc("{ _id: 'a', balance: 11 }")),
        Delete(4, "bank.accounts", "b"),
        Insert(5, "bank.accounts", Doc("{ _id: 'c', balance: 30 }")),
        Update(6, "bank.accounts", "a", Doc("{ _id: 'a', balance: 12 }")));

    [Theory]
    [InlineData(0u, "[]")]
    [InlineData(1u, "[{ _id: 'a', balance: 10 }]")]
    [InlineData(2u, "[{ _id: 'a', balance: 10 }, { _id: 'b', balance: 20 }]")]
    [InlineData(3u, "[{ _id: 'a', balance: 11 }, { _id: 'b', balance: 20 }]")]
    [InlineData(5u, "[{ _id: 'a', balance: 11 }, { _id: 'c', balance: 30 }]")]
    [InlineData(6u, "[{ _id: 'a', balance: 12 }, { _id: 'c', balance: 30 }]")]
    public void Reads_as_of_an_optime_see_the_versions_then(uint asOf, string expected)
    {
        var docs = store.Reader.Scan(Accounts, At(asOf)).OrderBy(d => d["_id"].AsString);

        Assert.Equal(Docs(expected), docs);
        foreach (var id in new[] { "a", "b", "c" })
            Assert.Equal(Docs(expected).FirstOrDefault(d => d["_id"] == id), store.Reader.FindById(Accounts, id, At(asOf)));
    }

    [Fact]
    public void Pruned_history_still_serves_reads_after_the_prune_point_but_not_before()
    {
        store.PruneHistory(At(3));

        Assert.Equal(Docs("[{ _id: 'a', balance: 11 }, { _id: 'b', balance: 20 }]"), store.Reader.Scan(Accounts, At(3)).OrderBy(d => d["_id"].AsString));
        Assert.Equal(ErrorCode.OperationFailed, Assert.Throws<ReplicaException>(() => store.Reader.FindById(Accounts, "a", At(2))).Code);
        Assert.Equal(ErrorCode.OperationFailed, Assert.Throws<ReplicaException>(() => store.RollbackTo(At(2))).Code);
        store.RollbackTo(At(3));
        Assert.Equal(Docs("[{ _id: 'a', balance: 11 }, { _id: 'b', balance: 20 }]"), store.Reader.Scan(Accounts).OrderBy(d => d["_id"].AsString));
    }

    [Fact]
    public void Rollback_restores_the_state_at_the_common_point_and_returns_what_it_undid()
    {
        var discarded = store.RollbackTo(At(3));

        Assert.Equal(Docs("[{ _id: 'a', balance: 11 }, { _id: 'b', balance: 20 }]"), store.Reader.Scan(Accounts).OrderBy(d => d["_id"].AsString));
        Assert.Equal(At(3), store.AppliedOpTime);
        var undone = Assert.Single(discarded);
        Assert.Equal(Accounts, undone.Key);
        Assert.Equal(Docs("[{ _id: 'c', balance: 30 }, { _id: 'a', balance: 12 }]"), undone.Value);
    }

    [Fact]
    public void After_rollback_the_store_applies_the_new_branch_and_can_roll_back_again()
    {
        store.RollbackTo(At(3));
        store.ApplyAll(Insert(7, "bank.accounts", Doc("{ _id: 'd', balance: 40 }")));

        Assert.Equal(Docs("[{ _id: 'a', balance: 11 }, { _id: 'b', balance: 20 }]"), store.Reader.Scan(Accounts, At(3)).OrderBy(d => d["_id"].AsString));
        store.RollbackTo(At(1));
        Assert.Equal(Docs("[{ _id: 'a', balance: 10 }]"), store.Reader.Scan(Accounts));
    }

    [Fact]
    public void Rollback_undoes_drops_and_index_changes_too()
    {
        store.ApplyAll(
            UniqueIndex(7, "bank", "accounts", Doc("{ balance: 1 }")),
            Command(8, "bank", Doc("{ create: 'audit' }")),
            Command(9, "bank", Doc("{ dropDatabase: 1 }")));
        Assert.Empty(store.Reader.ListDatabases());

        var discarded = store.RollbackTo(At(7));

        Assert.Empty(discarded);
        Assert.Equal(["accounts"], store.Reader.ListCollections("bank").Select(c => c.Name));
        Assert.Equal(["_id_", "balance_1"], store.Reader.ListIndexes(Accounts).Select(i => i.Name));
        Assert.Equal(2, store.Reader.Count(Accounts));
        using var batch = store.BeginBatch();
        Assert.Equal(ErrorCode.DuplicateKey,
            Assert.Throws<ReplicaException>(() => batch.Apply(Insert(8, "bank.accounts", Doc("{ _id: 'z', balance: 30 }")))).Code);
    }

    [Fact]
    public void Rollback_past_the_applied_optime_is_refused()
    {
        Assert.Equal(ErrorCode.BadValue, Assert.Throws<ReplicaException>(() => store.RollbackTo(At(9))).Code);
    }

    private static List<BsonDocument> Docs(string json) =>
        BsonDocument.Parse($"{{ d: {json} }}")["d"].AsBsonArray.Select(d => d.AsBsonDocument).ToList();
}
