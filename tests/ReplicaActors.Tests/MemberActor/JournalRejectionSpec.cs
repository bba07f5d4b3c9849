using Akka.Actor;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;
using ReplicaActors.Server;
using Xunit.Abstractions;

namespace ReplicaActors.Tests.MemberActor;

public sealed class JournalRejectionSpec(ITestOutputHelper output) : MemberSpecBase(output, """
    akka.persistence.journal.plugin = "akka.persistence.journal.rejecting"
    akka.persistence.journal.rejecting {
      class = "ReplicaActors.Tests.MemberActor.RejectingJournal, ReplicaActors.Tests"
      plugin-dispatcher = "akka.actor.default-dispatcher"
    }
    replica-actors.member.restart-backoff-min = 3s
    replica-actors.member.restart-backoff-max = 3s
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

        var memberActor = await Sys.ActorSelection(member.Path / "replica").ResolveOne(TimeSpan.FromSeconds(3));
        Watch(memberActor);
        RejectingJournal.RejectOplog = true;
        var refused = await SendAsync(member, "app", "{ insert: 'items', documents: [{ _id: 2 }] }");
        RejectingJournal.RejectOplog = false;

        Assert.False(refused.Ok, refused.Body.ToString());
        Assert.Equal((int)ErrorCode.InterruptedDueToReplStateChange, refused.Body["code"].ToInt32());
        Assert.Contains("the journal rejected OplogAppended", refused.Body["errmsg"].AsString);

        // While it is stopped (3 s here), a command is answered at once with a retryable error, not dropped.
        ExpectTerminated(memberActor, TimeSpan.FromSeconds(3));
        var whileDown = await HelloWhileStoppedAsync(member);
        Assert.Equal((int)ErrorCode.InterruptedDueToReplStateChange, whileDown.Body["code"].ToInt32());
        Assert.Contains("restarting from its journal", whileDown.Body["errmsg"].AsString);

        await AwaitPrimaryAsync(member);
        await OkAsync(member, "app", "{ insert: 'items', documents: [{ _id: 3 }] }");
        var ids = (await OkAsync(member, "app", "{ find: 'items', sort: { _id: 1 } }"))["cursor"]["firstBatch"].AsBsonArray.Select(d => d["_id"].ToInt32());
        Assert.Equal([1, 3], ids);
    }

    /// <summary>
    /// The first answer to a hello after the member actor stopped. The supervisor may not yet have heard that its child
    /// stopped (a message it forwards then is lost), so each try has a short timeout of its own, all within the pause.
    /// </summary>
    private static async Task<CommandReply> HelloWhileStoppedAsync(IActorRef supervisor)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SendAsync(supervisor, "admin", "{ hello: 1 }", TimeSpan.FromMilliseconds(400));
            }
            catch (AskTimeoutException) when (attempt < 3)
            {
            }
        }
    }
}
