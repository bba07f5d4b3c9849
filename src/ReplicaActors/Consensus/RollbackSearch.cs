using ReplicaActors.Protocol;

namespace ReplicaActors.Consensus;

/// <summary>
/// The search for the common point of a rollback, over this member's candidate entries (oldest first): entries up
/// to the common point are in the sync source's oplog, the ones after it are not, so a binary search finds the
/// newest shared one. Each step asks the source whether it holds <see cref="Probe"/>.
/// </summary>
/// <param name="Best">The newest candidate the source was found to hold so far; -1 while none is.</param>
public sealed record RollbackSearch(int Low, int High, int Best)
{
    public static RollbackSearch Over(int candidates) => new(0, candidates - 1, -1);

    /// <summary>Every candidate is decided: <see cref="Best"/> is the common point, or -1 when the source holds none of them.</summary>
    public bool Done => Low > High;

    /// <summary>The candidate to ask about next (only while not <see cref="Done"/>).</summary>
    public int Probe => (Low + High) / 2;

    /// <summary>The source's answer for <paramref name="probe"/>: holding it moves the search later, lacking it earlier.</summary>
    public RollbackSearch Record(int probe, bool sourceHolds) =>
        sourceHolds ? this with { Low = probe + 1, Best = probe } : this with { High = probe - 1 };
}

/// <summary>
/// One rollback against sync source <paramref name="SourceId"/>: the search over this member's
/// <paramref name="Candidates"/> (oldest first, from the source's oldest entry on) and, once it is done, the verdict.
/// </summary>
public sealed record RollbackRun(int SourceId, IReadOnlyList<OplogEntry> Candidates, RollbackSearch Search)
{
    public static RollbackRun Start(int sourceId, IReadOnlyList<OplogEntry> candidates) =>
        new(sourceId, candidates, RollbackSearch.Over(candidates.Count));

    /// <summary>The entry to ask the source about next, or null when the search is done.</summary>
    public OpTime? NextProbe => Search.Done ? null : Candidates[Search.Probe].OpTime;

    /// <summary>The source's answer to <see cref="NextProbe"/>.</summary>
    public RollbackRun Record(bool sourceHolds) => this with { Search = Search.Record(Search.Probe, sourceHolds) };

    /// <summary>
    /// Where to roll back to, once the search is done: the newest shared entry, unless there is none, or undoing what
    /// follows it would undo this member's own majority-committed history (<paramref name="commitPointOnOwnHistory"/>),
    /// which would lose acknowledged writes.
    /// </summary>
    public RollbackVerdict Verdict(OpTime commitPoint, bool commitPointOnOwnHistory)
    {
        if (Search.Best < 0)
            return new RollbackVerdict(null, "cannot roll back: no entry in this member's oplog window is shared with the sync source; a resync is needed");
        var common = Candidates[Search.Best];
        return commitPoint > common.OpTime && commitPointOnOwnHistory
            ? new RollbackVerdict(null, $"refusing to roll back past the majority commit point {commitPoint} (common point {common.OpTime}); a resync is needed")
            : new RollbackVerdict(common, null);
    }
}

/// <summary>The entry to roll back to, or why the rollback cannot be done.</summary>
public sealed record RollbackVerdict(OplogEntry? CommonPoint, string? Refusal);
