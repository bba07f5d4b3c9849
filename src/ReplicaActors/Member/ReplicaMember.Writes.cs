using Akka.Actor;
using Akka.Event;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;
using ReplicaActors.Storage;

namespace ReplicaActors.Member;

public sealed partial class ReplicaMember
{
    /// <summary>A batch run against the store, not yet journaled: its open transaction, entries and replies.</summary>
    private sealed record PreparedBatch(StoreBatch Batch, List<OplogEntry> Entries, List<(IActorRef To, CommandReply Reply)> Replies);

    private void Write(PendingWrite write)
    {
        _groupCommit.Enqueue(write);
        if (_groupCommit.IsIdle) StartBatch();
    }

    /// <summary>
    /// Journals the next batch of queued writes in one journal write, and answers only once the
    /// journal has them (the store commits in the same callback). Batches that changed nothing
    /// (every write refused) are answered at once.
    /// </summary>
    private void StartBatch()
    {
        PreparedBatch? prepared = null;
        while (prepared is null)
        {
            var writes = _groupCommit.TakeNext();
            if (writes.Count == 0) return;
            prepared = Prepare(writes);
            if (prepared.Entries.Count > 0) break;
            prepared.Batch.Dispose();
            Reply(prepared.Replies);
            prepared = null;
        }

        _groupCommit.Begin(prepared.Batch);
        PersistAsync(new OplogAppended(prepared.Entries), appended =>
        {
            _groupCommit.Complete();
            _durable = _durable.Apply(appended);
            Reply(prepared.Replies);
            StartBatch();
        });
    }

    /// <summary>Runs each write under its own savepoint in one store transaction, so a refused write leaves no trace.</summary>
    private PreparedBatch Prepare(List<PendingWrite> writes)
    {
        var batch = _store.BeginBatch();
        var now = DateTimeOffset.UtcNow;
        var nextOpTime = NextOpTime(now);
        var prepared = new PreparedBatch(batch, [], new List<(IActorRef, CommandReply)>(writes.Count));
        foreach (var write in writes)
        {
            using var savepoint = batch.Savepoint();
            try
            {
                var outcome = write.Request is null
                    ? _writer.Noop(write.NoopMessage!, batch, nextOpTime, now.UtcDateTime)
                    : _writer.Execute(write.Request, batch, nextOpTime, now.UtcDateTime);
                savepoint.Release();
                prepared.Entries.AddRange(outcome.Entries);
                prepared.Replies.Add((write.ReplyTo, CommandReply.Success(outcome.Reply)));
            }
            catch (ReplicaException e)
            {
                prepared.Replies.Add((write.ReplyTo, CommandReply.Error(e)));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The savepoint undoes this command; the rest of the batch goes on.
                _log.Error(e, "write command '{0}' failed", write.Request?.Name ?? "noop");
                prepared.Replies.Add((write.ReplyTo, CommandReply.Error(ErrorCode.InternalError, $"'{write.Request?.Name}' failed: {e.Message}")));
            }
        }
        return prepared;
    }

    private static void Reply(List<(IActorRef To, CommandReply Reply)> replies)
    {
        foreach (var (to, reply) in replies) to.Tell(reply);
    }
}
