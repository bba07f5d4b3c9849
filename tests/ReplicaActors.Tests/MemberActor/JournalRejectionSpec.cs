using Akka.Actor;
using ReplicaActors.Member;
using ReplicaActors.Protocol;
using ReplicaActors.Storage;
using Xunit.Abstractions;

namespace ReplicaActors.Tests.MemberActor;

public sealed class JournalRejectionSpec(ITestOutputHelper output) : MemberSpecBase(output, """
    akka.persistence.journal.plugin = "akka.persistence.journal.rejecting"
    akka.persistence.journal.rejecting {
      class = "ReplicaActors.Tests.MemberActor.RejectingJournal, ReplicaActors.Tests"
      plugin-dispatcher = "akka.actor.default-dispatcher"
    }
    """)
{
    [Fact]
    public async Task A_rejected_oplog_batch_fails_its_writes_with_a_retryable_error_and_the_member_comes_back_from_its_journal()
    {
        var store = NewStore();
        var member = MemberHost.StartMember(Sys, Settings, store);
        await OkAsync(member, "admin", "{ replSetInitiate: null }");
        await AwaitPrimaryAsync(member);
        await OkAsync(member, "app", "{ insert: 'items', documents: [{ _id: 1 }] }");

        RejectingJournal.RejectOplog = true;
        var refused = await SendAsync(member, "app", "{ insert: 'items', documents: [{ _id: 2 }] }");
        RejectingJournal.RejectOplog = false;

        Assert.False(refused.Ok, refused.Body.ToString());
        Assert.Equal((int)ErrorCode.InterruptedDueToReplStateChange, refused.Body["code"].ToInt32());
        Assert.Contains("the journal rejected OplogAppended", refused.Body["errmsg"].AsString);
        await AwaitPrimaryAsync(member);
        await OkAsync(member, "app", "{ insert: 'items', documents: [{ _id: 3 }] }");
        var ids = (await OkAsync(member, "app", "{ find: 'items', sort: { _id: 1 } }"))["cursor"]["firstBatch"].AsBsonArray.Select(d => d["_id"].ToInt32());
        Assert.Equal([1, 3], ids);
    }
}
