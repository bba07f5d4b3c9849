namespace ReplicaActors.Consensus;

/// <summary>One collection a sync source offers: its database, its document count and BSON bytes (as the source saw them).</summary>
public sealed record CloneTotal(string Db, long Documents, long Bytes);

/// <summary>
/// How far an initial sync's clone has come, against the source's totals (which writes during the clone may
/// outgrow: the fraction is capped at 1). Rates and the estimate are arithmetic on an elapsed time passed in.
/// </summary>
public sealed record InitialSyncProgress(
    int DatabasesTotal,
    int DatabasesCloned,
    int CollectionsTotal,
    int CollectionsCloned,
    long DocumentsTotal,
    long DocumentsCopied,
    long BytesTotal,
    long BytesCopied)
{
    public static readonly InitialSyncProgress None = new(0, 0, 0, 0, 0, 0, 0, 0);

    public static InitialSyncProgress Of(IReadOnlyList<CloneTotal> collections) => new(
        collections.Select(c => c.Db).Distinct().Count(), 0, collections.Count, 0,
        collections.Sum(c => c.Documents), 0, collections.Sum(c => c.Bytes), 0);

    public InitialSyncProgress Copied(long documents, long bytes) =>
        this with { DocumentsCopied = DocumentsCopied + documents, BytesCopied = BytesCopied + bytes };

    /// <summary>One collection finished; <paramref name="lastOfDatabase"/>: its database is finished with it.</summary>
    public InitialSyncProgress CollectionCloned(bool lastOfDatabase) => this with
    {
        CollectionsCloned = CollectionsCloned + 1,
        DatabasesCloned = DatabasesCloned + (lastOfDatabase ? 1 : 0),
    };

    /// <summary>Bytes copied of bytes offered (documents, then collections, when there are no bytes to count), in 0..1.</summary>
    public double Fraction =>
        BytesTotal > 0 ? Math.Min(1, (double)BytesCopied / BytesTotal)
        : DocumentsTotal > 0 ? Math.Min(1, (double)DocumentsCopied / DocumentsTotal)
        : CollectionsTotal > 0 ? (double)CollectionsCloned / CollectionsTotal
        : 1;

    public static double PerSecond(long amount, TimeSpan elapsed) => elapsed > TimeSpan.Zero ? amount / elapsed.TotalSeconds : 0;

    /// <summary>The time the rest should take at the rate so far; null before anything was copied.</summary>
    public TimeSpan? Remaining(TimeSpan elapsed)
    {
        var fraction = Fraction;
        if (fraction >= 1) return TimeSpan.Zero;
        if (fraction <= 0 || elapsed <= TimeSpan.Zero) return null;
        return TimeSpan.FromTicks((long)(elapsed.Ticks * (1 - fraction) / fraction));
    }
}
