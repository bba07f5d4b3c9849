using ReplicaActors.Oplog;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member;

/// <summary>
/// The oplog as the member's journal holds it: runs of journaled batches, oldest first, with their bytes,
/// and the member's durable state after each run, which is what a truncation snapshots before it deletes
/// the journal up to that run.
/// </summary>
public sealed class JournalOplog(long capBytes)
{
    /// <summary>
    /// Consecutive batches share a run until it holds this share of the cap, so the list stays about a
    /// thousand long whatever the cap and however small the batches (a 1 GiB oplog of single writes would
    /// otherwise be millions of runs); truncation is this much coarser.
    /// </summary>
    private const int RunsPerCap = 1024;

    private readonly long _runBytes = Math.Max(1, capBytes / RunsPerCap);
    private readonly List<JournalRun> _runs = [];
    private readonly List<MemberDurableState> _states = [];

    public IReadOnlyList<JournalRun> Runs => _runs;

    public long TotalBytes { get; private set; }

    /// <summary>The newest entry deleted from the journal by truncation (null while the oplog starts at the set's beginning).</summary>
    public OpTime DeletedThrough { get; private set; } = OpTime.Null;

    public OpTime First => _runs.Count > 0 ? _runs[0].First : OpTime.Null;

    public OpTime Last => _runs.Count > 0 ? _runs[^1].Last : OpTime.Null;

    /// <summary>A batch the journal now holds at <paramref name="seqNr"/>, and the durable state it led to.</summary>
    public void Add(long seqNr, IReadOnlyList<OplogEntry> entries, MemberDurableState after)
    {
        if (entries.Count == 0) return;
        var bytes = 0L;
        foreach (var entry in entries) bytes += BsonSize.Of(entry);
        TotalBytes += bytes;
        var newest = entries[^1];
        if (_runs.Count > 0 && _runs[^1].Bytes < _runBytes)
        {
            var run = _runs[^1];
            _runs[^1] = run with { SeqNr = seqNr, Last = newest.OpTime, WallMillis = newest.WallMillis, Bytes = run.Bytes + bytes };
            _states[^1] = after;
            return;
        }
        _runs.Add(new JournalRun(seqNr, entries[0].OpTime, newest.OpTime, newest.WallMillis, bytes));
        _states.Add(after);
    }

    /// <summary>
    /// A rollback voided every entry after <paramref name="common"/>: the journal still holds their bytes,
    /// but what the runs hold that counts ends at the common point.
    /// </summary>
    public void RolledBackTo(OpTime common)
    {
        for (var i = 0; i < _runs.Count; i++)
        {
            var run = _runs[i];
            if (run.Last > common) _runs[i] = run with { First = OpTime.Min(run.First, common), Last = common };
        }
    }

    /// <summary>The run ending at <paramref name="seqNr"/>: its newest entry and the durable state after it.</summary>
    public (OpTime Last, MemberDurableState State) At(long seqNr)
    {
        var index = _runs.FindIndex(r => r.SeqNr == seqNr);
        if (index < 0) throw new ArgumentOutOfRangeException(nameof(seqNr), seqNr, "no journal run ends at this sequence number");
        return (_runs[index].Last, _states[index]);
    }

    /// <summary>
    /// The sequence numbers to replay for the entries after <paramref name="after"/>: from the run holding it
    /// through the first run with anything newer, or null when the journal does not hold it (truncated, never
    /// written, or nothing follows it). Runs a rollback clipped still end at a newest entry of the current
    /// history, so everything in the range newer than <see cref="JournalRange.Through"/> was voided later.
    /// </summary>
    public JournalRange? RangeAfter(OpTime after)
    {
        int first;
        if (after.IsNull)
        {
            if (!DeletedThrough.IsNull) return null;
            first = 0;
        }
        else
        {
            first = _runs.FindIndex(r => r.Last >= after);
            if (first < 0 || _runs[first].First > after) return null;
        }
        var last = _runs.FindIndex(first, r => r.Last > after);
        if (last < 0) return null;
        return new JournalRange(first == 0 ? 1 : _runs[first - 1].SeqNr + 1, _runs[last].SeqNr, _runs[last].Last);
    }

    /// <summary>The journal deleted everything up to <paramref name="seqNr"/>.</summary>
    public void DeletedTo(long seqNr)
    {
        var count = 0;
        while (count < _runs.Count && _runs[count].SeqNr <= seqNr)
        {
            TotalBytes -= _runs[count].Bytes;
            DeletedThrough = OpTime.Max(DeletedThrough, _runs[count].Last);
            count++;
        }
        _runs.RemoveRange(0, count);
        _states.RemoveRange(0, count);
    }

    /// <summary>Recovery from a snapshot: the journal before it was deleted up to <paramref name="deletedThrough"/>.</summary>
    public void StartsAfter(OpTime deletedThrough) => DeletedThrough = deletedThrough;
}
