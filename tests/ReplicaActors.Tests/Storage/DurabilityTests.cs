using ReplicaActors.Protocol;
using static ReplicaActors.Tests.Storage.Ops;

namespace ReplicaActors.Tests.Storage;

/// <summary>The store's durable applied OpTime: what a completed checkpoint has put on disk, which bounds oplog truncation.</summary>
public class DurabilityTests : StoreSpec
{
    [Fact]
    public void Nothing_is_durable_in_a_new_store()
    {
        Assert.Equal(OpTime.Null, store.DurableAppliedOpTime);
    }

    [Fact]
    public void Applied_entries_become_durable_with_the_next_checkpoint()
    {
        store.ApplyAll(Insert(1, "app.users", Doc("{ _id: 1 }")), Insert(2, "app.users", Doc("{ _id: 2 }")));

        // The checkpointer runs every second.
        Assert.True(SpinWait.SpinUntil(() => store.DurableAppliedOpTime == At(2), TimeSpan.FromSeconds(10)),
            $"durable applied {store.DurableAppliedOpTime}, applied {store.AppliedOpTime}");
    }

    [Fact]
    public void A_rollback_takes_the_durable_point_back_with_the_applied_one()
    {
        store.ApplyAll(Insert(1, "app.users", Doc("{ _id: 1 }")), Insert(2, "app.users", Doc("{ _id: 2 }")));
        Assert.True(SpinWait.SpinUntil(() => store.DurableAppliedOpTime == At(2), TimeSpan.FromSeconds(10)));

        store.RollbackTo(At(1));

        // Entry 2 was undone: an entry of the new branch at its place is not on disk until a checkpoint says so.
        Assert.Equal(At(1), store.DurableAppliedOpTime);
    }

    [Fact]
    public void A_wipe_for_initial_sync_leaves_nothing_durable()
    {
        store.ApplyAll(Insert(1, "app.users", Doc("{ _id: 1 }")));
        Assert.True(SpinWait.SpinUntil(() => store.DurableAppliedOpTime == At(1), TimeSpan.FromSeconds(10)));

        store.MarkInitialSync();
        store.WipeForInitialSync();

        Assert.Equal(OpTime.Null, store.DurableAppliedOpTime);
    }
}
