using ReplicaActors.Protocol;

namespace ReplicaActors.Oplog;

/// <summary>One run of oplog entries the journal holds: journaled batches up to sequence number <paramref name="SeqNr"/>.</summary>
/// <param name="First">Its oldest entry.</param>
/// <param name="Last">Its newest entry: nothing in the run is newer.</param>
/// <param name="WallMillis">The newest entry's wall time.</param>
/// <param name="Bytes">The entries' BSON size.</param>
public readonly record struct JournalRun(long SeqNr, OpTime First, OpTime Last, long WallMillis, long Bytes);

/// <summary>Journal sequence numbers to replay, inclusive; the current history in them ends at <paramref name="Through"/>.</summary>
public readonly record struct JournalRange(long FromSeqNr, long ToSeqNr, OpTime Through);

/// <summary>The oplog's size cap (MongoDB's oplogSizeMB) and its minimum retention (oplogMinRetentionHours, 0 for none).</summary>
public sealed record OplogCap(long SizeBytes, TimeSpan MinRetention);

/// <summary>
/// How far the journal's oplog may be truncated (MongoDB's capped oplog, done by deleting the journal's
/// prefix). Only the oldest runs go, and only while the oplog is over its cap. The oplog grows past the
/// cap rather than drop an entry that is not older than both the majority commit point (a rollback or a
/// lagging majority member may still need it) and what the store has durably applied (after a crash the
/// journal is re-applied from there), or that is younger than the minimum retention. The newest run always
/// stays, so the oplog always shows its newest entry and a secondary at it can go on tailing.
/// </summary>
public static class OplogTruncation
{
    /// <param name="runs">The journal's runs, oldest first.</param>
    /// <param name="totalBytes">Their bytes together.</param>
    /// <returns>The highest sequence number that may be deleted, or null to delete nothing.</returns>
    public static long? DeletableThrough(IReadOnlyList<JournalRun> runs, long totalBytes, OplogCap cap, long nowMillis, OpTime commitPoint, OpTime durableApplied)
    {
        if (totalBytes <= cap.SizeBytes) return null;
        var retainedFrom = nowMillis - (long)cap.MinRetention.TotalMilliseconds;
        long? through = null;
        var remaining = totalBytes;
        for (var i = 0; i < runs.Count - 1 && remaining > cap.SizeBytes; i++)
        {
            var run = runs[i];
            if (run.Last >= commitPoint || run.Last >= durableApplied) break;
            if (cap.MinRetention > TimeSpan.Zero && run.WallMillis > retainedFrom) break;
            through = run.SeqNr;
            remaining -= run.Bytes;
        }
        return through;
    }
}
