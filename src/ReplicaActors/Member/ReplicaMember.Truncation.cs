using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member;

/// <summary>
/// The capped oplog: past its size cap the member deletes the journal's oldest oplog entries. It first
/// saves a snapshot of its durable state at the last sequence number it will delete (recovery starts from
/// it and replays the rest), then deletes the journal up to there. How far is <see cref="OplogTruncation"/>'s rule.
/// </summary>
public sealed partial class ReplicaMember
{
    private readonly JournalOplog _journalOplog;
    private PendingTruncation? _truncation;

    /// <summary>A truncation under way: the snapshot is being saved, then the journal deleted up to <paramref name="SeqNr"/>.</summary>
    private sealed record PendingTruncation(long SeqNr, OpTime Through);

    /// <summary>Everything a journaled oplog batch changes, on the write, fetch and recovery paths alike.</summary>
    private void Journaled(OplogAppended appended)
    {
        _durable = _durable.Apply(appended);
        // A primary serves its batch to secondaries while the journal write is in flight: the window has it already.
        if (appended.Entries.Count > 0 && _window.Newest < appended.Entries[^1].OpTime) _window.Append(appended.Entries, EntrySize);
        _journalOplog.Add(LastSequenceNr, appended.Entries, _durable);
    }

    /// <summary>Everything a journaled rollback marker voids, on the rollback, resync and recovery paths alike.</summary>
    private void RolledBack(RollbackApplied rollback)
    {
        _durable = _durable.Apply(rollback);
        _window.TruncateAfter(rollback.CommonPoint);
        _journalOplog.RolledBackTo(rollback.CommonPoint);
        _recentWrites.ForgetAfter(rollback.CommonPoint);
    }

    private void RecoverSnapshot(SnapshotOffer offer)
    {
        var snapshot = (MemberSnapshot)offer.Snapshot;
        _durable = snapshot.State;
        _journalOplog.StartsAfter(snapshot.OplogDeletedThrough);
        _window.ForgetThrough(snapshot.OplogDeletedThrough);
    }

    private void TruncationHandlers()
    {
        Command<TruncationTick>(_ => OnTruncationTick());
        Command<SaveSnapshotSuccess>(OnSnapshotSaved);
        Command<SaveSnapshotFailure>(failed => TruncationFailed($"saving the snapshot at {failed.Metadata.SequenceNr} failed", failed.Cause));
        Command<DeleteMessagesSuccess>(OnJournalDeleted);
        Command<DeleteMessagesFailure>(failed => TruncationFailed($"deleting the journal up to {failed.ToSequenceNr} failed", failed.Cause));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failed => _log.Warning("deleting old snapshots failed (they are deleted with the next truncation): {0}", failed.Cause.Message));
    }

    private void OnTruncationTick()
    {
        if (_truncation is not null || _journalOplog.TotalBytes <= _settings.OplogSizeBytes) return;
        var through = OplogTruncation.DeletableThrough(_journalOplog.Runs, _journalOplog.TotalBytes, _settings.OplogCap,
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), _commitPoint, _store.DurableAppliedOpTime);
        if (through is not { } seqNr) return;
        var (last, state) = _journalOplog.At(seqNr);
        _truncation = new PendingTruncation(seqNr, last);
        SnapshotStore.Tell(new SaveSnapshot(new SnapshotMetadata(SnapshotterId, seqNr, DateTime.UtcNow), new MemberSnapshot(state, last)));
    }

    private void OnSnapshotSaved(SaveSnapshotSuccess saved)
    {
        if (_truncation is not { } pending || saved.Metadata.SequenceNr != pending.SeqNr) return;
        DeleteMessages(pending.SeqNr);
    }

    private void OnJournalDeleted(DeleteMessagesSuccess deleted)
    {
        if (_truncation is not { } pending || deleted.ToSequenceNr != pending.SeqNr) return;
        _truncation = null;
        var before = _journalOplog.TotalBytes;
        _journalOplog.DeletedTo(pending.SeqNr);
        _window.ForgetThrough(pending.Through);
        // The snapshot just saved replaces the older ones.
        DeleteSnapshots(new SnapshotSelectionCriteria(pending.SeqNr - 1));
        _log.Info("oplog truncated through {0}: {1} bytes now (cap {2}), {3} bytes deleted; oldest entry {4}",
            pending.Through, _journalOplog.TotalBytes, _settings.OplogSizeBytes, before - _journalOplog.TotalBytes, _journalOplog.First);
    }

    private void TruncationFailed(string what, Exception cause)
    {
        _truncation = null;
        _log.Warning("oplog truncation: {0} ({1}); the next check retries", what, cause.Message);
    }
}
