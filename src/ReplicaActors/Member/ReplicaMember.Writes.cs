using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using MongoDB.Bson;
using ReplicaActors.Consensus;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;
using ReplicaActors.Storage;

namespace ReplicaActors.Member;

/// <summary>The primary's write path: admission, group commit, and waiting for write concern.</summary>
public sealed partial class ReplicaMember
{
    private readonly Dictionary<long, ConcernWaiter> _waiters = new();
    private readonly RecentWrites _recentWrites;
    private readonly Dictionary<BsonValue, List<PendingWrite>> _retriesWaiting = new();
    private long _waiterIds;

    /// <summary>A write journaled and applied here, waiting until its write concern is met (or its wtimeout passes).</summary>
    private sealed record ConcernWaiter(long Id, OpTime OpTime, WriteConcern Concern, CommandReply Reply, PendingWrite Write, long StartedTimestamp);

    /// <summary>One write of a prepared batch: its reply and the newest OpTime it (or the batch before it) wrote.</summary>
    private sealed record PreparedWrite(PendingWrite Write, CommandReply Reply, OpTime OpTime);

    /// <summary>A batch run against the store, not yet journaled: its open transaction, entries and writes.</summary>
    private sealed record PreparedBatch(StoreBatch Batch, List<OplogEntry> Entries, List<PreparedWrite> Writes);

    private void AdmitWrite(CommandRequest request)
    {
        try
        {
            var concern = request.Command.TryGetValue("writeConcern", out var wc) && wc.IsBsonDocument
                ? WriteConcern.FromBson(wc.AsBsonDocument)
                : WriteConcernRules.Default(Config!);
            WriteConcernRules.CheckSatisfiable(Config!, concern);
            var write = new PendingWrite(request, Sender, Concern: concern);
            if (WriteIdOf(write) is { } writeId)
            {
                // A retry of a write still in flight waits for that write's outcome; one of a write this member already
                // has is answered from its record, once its write concern is met. Never applied twice.
                if (_retriesWaiting.TryGetValue(writeId, out var retries))
                {
                    retries.Add(write);
                    return;
                }
                if (_recentWrites.TryGet(writeId, out var outcome))
                {
                    // The newest entry follows the original's on this history; unlike an entry of an older term, it can
                    // reach a write concern under this primary (MongoDB waits for the newest OpTime likewise).
                    AwaitConcern(write, CommandReply.Success(outcome.Reply), _durable.LastOpTime);
                    return;
                }
                _retriesWaiting[writeId] = [];
            }
            Write(write);
        }
        catch (ReplicaException e)
        {
            Sender.Tell(CommandReply.Error(e));
        }
    }

    private void Write(PendingWrite write)
    {
        _groupCommit.Enqueue(write);
        if (_groupCommit.IsIdle) StartBatch();
    }

    /// <summary>
    /// Journals the next batch of queued writes in one journal write, and answers only once the
    /// journal has them (the store commits in the same callback). Batches that changed nothing
    /// (every write refused) are answered at once. Secondaries get the entries while the journal
    /// write is in flight (as a Raft leader sends while it appends): a write still counts for a
    /// member only once that member's journal has it, so no acknowledgement comes earlier, and the
    /// two fsyncs of a w:majority write overlap instead of adding up.
    /// </summary>
    private void StartBatch()
    {
        if (_state != MemberState.Primary)
        {
            foreach (var write in _groupCommit.TakeAll()) Refuse(write, CommandReply.Error(NotWritable()));
            return;
        }
        PreparedBatch? prepared = null;
        while (prepared is null)
        {
            var writes = _groupCommit.TakeNext();
            if (writes.Count == 0) return;
            prepared = Prepare(writes);
            if (prepared.Entries.Count > 0) break;
            prepared.Batch.Dispose();
            foreach (var done in prepared.Writes) Complete(done);
            prepared = null;
        }

        _groupCommit.Begin(prepared.Batch, prepared.Writes.Select(w => w.Write).ToList());
        _window.Append(prepared.Entries, EntrySize);
        AnswerParkedFetches();
        var started = Stopwatch.GetTimestamp();
        PersistAsync(new OplogAppended(prepared.Entries), appended =>
        {
            _metrics.JournalBatch(appended.Entries.Count, started);
            _groupCommit.Complete();
            Journaled(appended);
            LearnPosition(SelfPosition());
            foreach (var done in prepared.Writes) Complete(done);
            StartBatch();
        });
    }

    /// <summary>Runs each write under its own savepoint in one store transaction, so a refused write leaves no trace.</summary>
    private PreparedBatch Prepare(List<PendingWrite> writes)
    {
        var batch = _store.BeginBatch();
        var now = DateTimeOffset.UtcNow;
        var nextOpTime = NextOpTime(now);
        var prepared = new PreparedBatch(batch, [], new List<PreparedWrite>(writes.Count));
        foreach (var write in writes)
        {
            using var savepoint = batch.Savepoint();
            CommandReply reply;
            try
            {
                var outcome = write.Request is null
                    ? _writer.Noop(write.NoopMessage!, batch, nextOpTime, now.UtcDateTime)
                    : _writer.Execute(write.Request, batch, nextOpTime, now.UtcDateTime);
                savepoint.Release();
                prepared.Entries.AddRange(outcome.Entries);
                reply = CommandReply.Success(outcome.Reply);
            }
            catch (ReplicaException e)
            {
                reply = CommandReply.Error(e);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The savepoint undoes this command; the rest of the batch goes on.
                _log.Error(e, "write command '{0}' failed", write.Request?.Name ?? "noop");
                reply = CommandReply.Error(ErrorCode.InternalError, $"'{write.Request?.Name}' failed: {e.Message}");
            }
            var opTime = prepared.Entries.Count > 0 ? prepared.Entries[^1].OpTime : _durable.LastOpTime;
            prepared.Writes.Add(new PreparedWrite(write, reply, opTime));
        }
        return prepared;
    }

    /// <summary>A journaled write, and any retries of it that arrived meanwhile: each answered once its write concern is met.</summary>
    private void Complete(PreparedWrite done)
    {
        var write = done.Write;
        var writeId = WriteIdOf(write);
        if (writeId is not null && done.Reply.Ok) _recentWrites.Remember(writeId, done.Reply.Body, done.OpTime);
        AwaitConcern(write, done.Reply, done.OpTime);
        if (writeId is not null && _retriesWaiting.Remove(writeId, out var retries))
            foreach (var retry in retries) AwaitConcern(retry, done.Reply, done.OpTime);
    }

    /// <summary>A write that never reached the journal (the member stopped being primary, or stopped): it and its waiting retries get <paramref name="reply"/>.</summary>
    private void Refuse(PendingWrite write, CommandReply reply)
    {
        Finish(write, reply, new WriteConcernProgress(false, []));
        if (WriteIdOf(write) is { } writeId && _retriesWaiting.Remove(writeId, out var retries))
            foreach (var retry in retries) Finish(retry, reply, new WriteConcernProgress(false, []));
    }

    private static BsonValue? WriteIdOf(PendingWrite write) =>
        write.Request?.Command.GetValue("writeId", BsonNull.Value) is { IsBsonNull: false } writeId ? writeId : null;

    /// <summary>Answers now if the write concern is met at <paramref name="opTime"/>, else the write waits (until its wtimeout, if any).</summary>
    private void AwaitConcern(PendingWrite write, CommandReply reply, OpTime opTime)
    {
        var concern = write.Concern ?? WriteConcern.Primary;
        if (!reply.Ok || !concern.IsAcknowledged)
        {
            Finish(write, reply, new WriteConcernProgress(true, []));
            return;
        }
        var progress = WriteConcernRules.Evaluate(Config!, concern, Progress(), opTime);
        if (progress.Satisfied)
        {
            Finish(write, reply, progress);
            return;
        }
        var waiter = new ConcernWaiter(++_waiterIds, opTime, concern, reply, write, Stopwatch.GetTimestamp());
        _waiters[waiter.Id] = waiter;
        if (concern.WTimeoutMillis > 0)
            Timers.StartSingleTimer(TimerKeys.WriteConcern(waiter.Id), new WriteConcernTimeout(waiter.Id), TimeSpan.FromMilliseconds(concern.WTimeoutMillis));
    }

    private void CheckWaiters()
    {
        if (_waiters.Count == 0) return;
        var progress = Progress();
        foreach (var waiter in _waiters.Values.ToList())
        {
            var result = WriteConcernRules.Evaluate(Config!, waiter.Concern, progress, waiter.OpTime);
            if (!result.Satisfied) continue;
            _waiters.Remove(waiter.Id);
            Timers.Cancel(TimerKeys.WriteConcern(waiter.Id));
            _metrics.WriteConcernWaited(waiter.StartedTimestamp);
            Finish(waiter.Write, waiter.Reply, result);
        }
    }

    private void OnWriteConcernTimeout(WriteConcernTimeout timeout)
    {
        if (!_waiters.Remove(timeout.WaiterId, out var waiter)) return;
        var progress = WriteConcernRules.Evaluate(Config!, waiter.Concern, Progress(), waiter.OpTime);
        Finish(waiter.Write, WithConcernError(waiter.Reply, ErrorCode.WriteConcernFailed, "waiting for replication timed out", waiter, progress), progress);
    }

    private void FailWaitersOnStepDown()
    {
        foreach (var waiter in _waiters.Values)
        {
            Timers.Cancel(TimerKeys.WriteConcern(waiter.Id));
            var progress = WriteConcernRules.Evaluate(Config!, waiter.Concern, Progress(), waiter.OpTime);
            Finish(waiter.Write, WithConcernError(waiter.Reply, ErrorCode.PrimarySteppedDown,
                "the primary stepped down before the write concern was met; the write may or may not be kept", waiter, progress), progress);
        }
        _waiters.Clear();
    }

    private static void Finish(PendingWrite write, CommandReply reply, WriteConcernProgress progress)
    {
        if (write.OnConcern is { } callback) callback(progress, reply);
        else write.ReplyTo.Tell(reply);
    }

    /// <summary>The write stays applied: the answer says which members had it when the wait ended (MongoDB's writeConcernError).</summary>
    private static CommandReply WithConcernError(CommandReply reply, ErrorCode code, string message, ConcernWaiter waiter, WriteConcernProgress progress)
    {
        var body = new BsonDocument(reply.Body)
        {
            ["writeConcernError"] = new BsonDocument
            {
                { "code", (int)code },
                { "codeName", code.ToString() },
                { "errmsg", $"{message} ({progress.AcknowledgedBy.Count} member(s) acknowledged)" },
                { "errInfo", new BsonDocument
                    {
                        { "writeConcern", waiter.Concern.ToBson() },
                        { "acknowledgedBy", new BsonArray(progress.AcknowledgedBy) },
                    }
                },
            },
        };
        return new CommandReply(body);
    }
}
