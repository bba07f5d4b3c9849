using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;

namespace ReplicaActors.Replication;

/// <summary>
/// A fetch the window could not serve, read from the journal: <paramref name="Entries"/> are the next entries
/// after the fetch's OpTime, or null when the journal's current history does not hold that OpTime.
/// </summary>
public sealed record JournalOplogRead(FetchOplog Fetch, IActorRef ReplyTo, IReadOnlyList<OplogEntry>? Entries);

/// <summary>
/// Folds replayed journal events into the current history's entries after <paramref name="after"/>: a
/// rollback marker voids the entries before it newer than its common point (all, for OpTime.Null), and
/// entries newer than <paramref name="through"/> were voided by a marker past the replayed range.
/// </summary>
public sealed class ReplayedOplog(OpTime after, OpTime through)
{
    private readonly List<OplogEntry> _entries = [];
    private bool _holdsAfter = after.IsNull;

    public void Add(IMemberEvent e)
    {
        switch (e)
        {
            case OplogAppended appended:
                foreach (var entry in appended.Entries)
                {
                    if (entry.OpTime == after) _holdsAfter = true;
                    else if (entry.OpTime > after && entry.OpTime <= through) _entries.Add(entry);
                }
                break;
            case RollbackApplied rollback:
                _entries.RemoveAll(entry => entry.OpTime > rollback.CommonPoint);
                if (after > rollback.CommonPoint) _holdsAfter = false;
                break;
        }
    }

    /// <summary>Up to <paramref name="max"/> entries after the requested OpTime, or null when it is not on the current history.</summary>
    public IReadOnlyList<OplogEntry>? After(int max) => _holdsAfter ? _entries.Take(max).ToList() : null;
}

/// <summary>
/// Replays one range of the member's journal for a fetch older than the oplog window, so the member's
/// own actor goes on serving while the journal reads. Tells its parent <see cref="JournalOplogRead"/> and stops.
/// </summary>
public sealed class JournalOplogReader : ReceiveActor
{
    public JournalOplogReader(IActorRef journal, string persistenceId, JournalRange range, FetchOplog fetch, IActorRef replyTo, int max)
    {
        var replayed = new ReplayedOplog(fetch.After, range.Through);
        Receive<ReplayedMessage>(message => replayed.Add((IMemberEvent)message.Persistent.Payload));
        Receive<RecoverySuccess>(_ =>
        {
            Context.Parent.Tell(new JournalOplogRead(fetch, replyTo, replayed.After(max)));
            Context.Stop(Self);
        });
        // Unanswered, the fetcher times out and asks again, which reads anew; "not found" would wrongly send it RECOVERING.
        Receive<ReplayMessagesFailure>(failure =>
        {
            Context.GetLogger().Warning("reading the journal for a fetch after {0} failed: {1}", fetch.After, failure.Cause.Message);
            Context.Stop(Self);
        });
        journal.Tell(new ReplayMessages(range.FromSeqNr, range.ToSeqNr, long.MaxValue, persistenceId, Self));
    }

    public static Props Props(IActorRef journal, string persistenceId, JournalRange range, FetchOplog fetch, IActorRef replyTo, int max) =>
        Akka.Actor.Props.Create(() => new JournalOplogReader(journal, persistenceId, range, fetch, replyTo, max));
}
