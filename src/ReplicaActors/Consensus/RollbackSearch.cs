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
