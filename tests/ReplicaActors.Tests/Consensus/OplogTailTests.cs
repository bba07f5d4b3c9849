using MongoDB.Bson;
using ReplicaActors.Consensus;
using ReplicaActors.Member.Core;
using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.Consensus;

public class OplogTailTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    private static OpTime At(uint seconds, long term = 1) => new(new Timestamp(seconds, 1), term);

    private static OplogEntry Entry(OpTime at) => new(at, 0, OpType.Noop, "", new BsonDocument("msg", "x"), null);

    private static OplogBatch Answer(int from, long requestId, IReadOnlyList<OplogEntry>? entries = null, bool afterNotFound = false, OpTime? oldest = null) =>
        new(from, 1, OpTime.Null, entries ?? [], afterNotFound, oldest ?? At(1), At(100), requestId);

    [Fact]
    public void Only_the_answer_to_the_request_in_flight_is_accepted_and_only_once()
    {
        var tail = new OplogTail();
        tail.Follow(2);
        var first = tail.Request(selfId: 0, At(5), term: 1, Now.AddSeconds(1));
        var second = tail.Request(selfId: 0, At(5), term: 1, Now.AddSeconds(1));

        Assert.False(tail.Accept(Answer(2, first.RequestId)));
        Assert.False(tail.Accept(Answer(1, second.RequestId)));
        Assert.True(tail.Accept(Answer(2, second.RequestId)));
        Assert.False(tail.Accept(Answer(2, second.RequestId)));
    }

    [Fact]
    public void An_answer_to_a_stopped_tail_or_to_an_earlier_source_is_dropped()
    {
        var tail = new OplogTail();
        tail.Follow(2);
        var request = tail.Request(0, At(5), 1, Now.AddSeconds(1));
        tail.Stop();
        Assert.False(tail.Accept(Answer(2, request.RequestId)));
        Assert.Null(tail.SourceId);

        tail.Follow(1);
        Assert.False(tail.Accept(Answer(2, request.RequestId)));
    }

    [Fact]
    public void A_request_unanswered_by_its_deadline_times_out_and_an_answered_one_never_does()
    {
        var tail = new OplogTail();
        tail.Follow(2);
        var request = tail.Request(0, At(5), 1, Now.AddSeconds(1));

        Assert.False(tail.TimedOut(Now.AddMilliseconds(999)));
        Assert.True(tail.TimedOut(Now.AddSeconds(1)));

        tail.Accept(Answer(2, request.RequestId));
        Assert.False(tail.TimedOut(Now.AddSeconds(10)));
    }

    [Fact]
    public void A_probing_tail_names_no_sync_source_and_every_new_run_changes_the_run_number()
    {
        var tail = new OplogTail();
        tail.Follow(2);
        var following = tail.Run;
        Assert.Equal(2, tail.SyncSourceId);

        tail.Probe(1);
        Assert.True(tail.Probing);
        Assert.Equal(1, tail.SourceId);
        Assert.Null(tail.SyncSourceId);
        Assert.NotEqual(following, tail.Run);
    }

    [Fact]
    public void Asking_with_no_source_is_a_caller_error()
    {
        var tail = new OplogTail();
        Assert.Throws<InvalidOperationException>(() => tail.Request(0, At(5), 1, Now));
    }

    [Fact]
    public void An_answer_is_judged_by_whether_the_source_holds_or_ever_held_the_member_s_newest_entry()
    {
        // Found: append what is new. Not found, the source's oplog reaching back past it: diverged. Not found, the
        // source's oldest entry newer than it: the member fell off the source's oplog.
        Assert.Equal(TailVerdict.Append, OplogTail.Judge(Answer(2, 1, [Entry(At(6))]), At(5)));
        Assert.Equal(TailVerdict.Diverged, OplogTail.Judge(Answer(2, 1, afterNotFound: true, oldest: At(1)), At(5)));
        Assert.Equal(TailVerdict.FellOff, OplogTail.Judge(Answer(2, 1, afterNotFound: true, oldest: At(9)), At(5)));
        // A later term is newer whatever its timestamp: the source's oldest entry of term 2 is past the member's of term 1.
        Assert.Equal(TailVerdict.FellOff, OplogTail.Judge(Answer(2, 1, afterNotFound: true, oldest: At(3, term: 2)), At(5)));
    }

    [Fact]
    public void Only_entries_after_the_member_s_newest_are_new()
    {
        var batch = Answer(2, 1, [Entry(At(4)), Entry(At(5)), Entry(At(6)), Entry(At(7))]);
        Assert.Equal([At(6), At(7)], OplogTail.NewEntries(batch, At(5)).Select(e => e.OpTime));
    }
}

public class RecoveryAttemptsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Each_failure_pauses_longer_up_to_the_cap_and_the_retry_is_due_once_after_the_pause()
    {
        var attempts = new RecoveryAttempts(new RecoveryBackoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(700)));

        Assert.Equal(TimeSpan.FromMilliseconds(200), attempts.Failed(2, Now));
        Assert.False(attempts.Due(Now.AddMilliseconds(199)));
        Assert.True(attempts.Due(Now.AddMilliseconds(200)));
        Assert.False(attempts.Due(Now.AddMilliseconds(201)));

        Assert.Equal(TimeSpan.FromMilliseconds(400), attempts.Failed(null, Now));
        Assert.Equal(TimeSpan.FromMilliseconds(700), attempts.Failed(null, Now));
        Assert.Equal(TimeSpan.FromMilliseconds(700), attempts.Failed(null, Now));
        Assert.Equal(4, attempts.Failures);
    }

    [Fact]
    public void The_failed_source_is_avoided_until_another_fails_or_the_member_rejoins()
    {
        var attempts = new RecoveryAttempts(new RecoveryBackoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10)));
        attempts.Failed(2, Now);
        attempts.Failed(null, Now);
        Assert.Equal(2, attempts.AvoidSourceId);
        attempts.Failed(1, Now);
        Assert.Equal(1, attempts.AvoidSourceId);

        attempts.Rejoined();
        Assert.Null(attempts.AvoidSourceId);
        Assert.Equal(0, attempts.Failures);
        Assert.False(attempts.Due(Now.AddHours(1)));
        Assert.Equal(TimeSpan.FromMilliseconds(200), attempts.Failed(null, Now));
    }
}
