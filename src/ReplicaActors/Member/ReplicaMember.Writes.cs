using Akka.Actor;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member;

public sealed partial class ReplicaMember
{
    private void Write(PendingWrite write)
    {
        _groupCommit.Enqueue(write);
        if (_groupCommit.IsIdle) StartBatch();
    }

    /// <summary>
    /// Runs the queued writes against one store transaction, journals their entries in one write,
    /// and answers only once the journal has them (the store commits in the same callback).
    /// </summary>
    private void StartBatch()
    {
        while (true)
        {
            var writes = _groupCommit.TakeNext();
            if (writes.Count == 0) return;

            var batch = _store.BeginBatch();
            var now = DateTimeOffset.UtcNow;
            var nextOpTime = NextOpTime(now);
            var entries = new List<OplogEntry>();
            var replies = new List<(IActorRef To, CommandReply Reply)>(writes.Count);
            foreach (var write in writes)
            {
                using var savepoint = batch.Savepoint();
                try
                {
                    var outcome = write.Request is null
                        ? _writer.Noop(write.NoopMessage!, batch, nextOpTime, now.UtcDateTime)
                        : _writer.Execute(write.Request, batch, nextOpTime, now.UtcDateTime);
                    savepoint.Release();
                    entries.AddRange(outcome.Entries);
                    replies.Add((write.ReplyTo, CommandReply.Success(outcome.Reply)));
                }
                catch (ReplicaException e)
                {
                    replies.Add((write.ReplyTo, CommandReply.Error(e)));
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // The savepoint undoes this command; the rest of the batch goes on.
                    _log.Error(e, "write command '{0}' failed", write.Request?.Name ?? "noop");
                    replies.Add((write.ReplyTo, CommandReply.Error(ErrorCode.InternalError, $"'{write.Request?.Name}' failed: {e.Message}")));
                }
            }

            if (entries.Count == 0)
            {
                batch.Dispose();
                Reply(replies);
                continue;
            }

            _groupCommit.Begin(batch);
            PersistAsync(new OplogAppended(entries), appended =>
            {
                _groupCommit.Complete();
                _durable = _durable.Apply(appended);
                Reply(replies);
                StartBatch();
            });
            return;
        }
    }

    private static void Reply(List<(IActorRef To, CommandReply Reply)> replies)
    {
        foreach (var (to, reply) in replies) to.Tell(reply);
    }
}
