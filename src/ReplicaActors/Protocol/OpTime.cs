namespace ReplicaActors.Protocol;

/// <summary>
/// An oplog timestamp: wall-clock seconds plus an increment that orders entries within a second.
/// Unique and increasing on one primary; the pair packs into one long for storage and ordering.
/// </summary>
public readonly record struct Timestamp(uint Seconds, uint Increment) : IComparable<Timestamp>
{
    public static readonly Timestamp Zero = new(0, 0);

    public long Packed => ((long)Seconds << 32) | Increment;

    public static Timestamp FromPacked(long packed) => new((uint)(packed >> 32), (uint)(packed & 0xFFFF_FFFF));

    public int CompareTo(Timestamp other) => Packed.CompareTo(other.Packed);

    public static bool operator <(Timestamp a, Timestamp b) => a.Packed < b.Packed;
    public static bool operator >(Timestamp a, Timestamp b) => a.Packed > b.Packed;
    public static bool operator <=(Timestamp a, Timestamp b) => a.Packed <= b.Packed;
    public static bool operator >=(Timestamp a, Timestamp b) => a.Packed >= b.Packed;

    public override string ToString() => $"Timestamp({Seconds}, {Increment})";
}

/// <summary>
/// The position of an oplog entry: its timestamp and the term of the primary that wrote it. Ordered by term,
/// then timestamp (MongoDB's and Raft's order): an entry of a later term is newer whatever its wall clock
/// says, since clocks differ between members and a deposed primary may go on writing with later timestamps.
/// On one history both orders agree; they differ only between branches, which is where it matters.
/// </summary>
public readonly record struct OpTime(Timestamp Ts, long Term) : IComparable<OpTime>
{
    /// <summary>The OpTime before any entry; every real entry is newer.</summary>
    public static readonly OpTime Null = new(Timestamp.Zero, -1);

    public bool IsNull => Ts == Timestamp.Zero;

    public int CompareTo(OpTime other)
    {
        var byTerm = Term.CompareTo(other.Term);
        return byTerm != 0 ? byTerm : Ts.CompareTo(other.Ts);
    }

    public static bool operator <(OpTime a, OpTime b) => a.CompareTo(b) < 0;
    public static bool operator >(OpTime a, OpTime b) => a.CompareTo(b) > 0;
    public static bool operator <=(OpTime a, OpTime b) => a.CompareTo(b) <= 0;
    public static bool operator >=(OpTime a, OpTime b) => a.CompareTo(b) >= 0;

    public static OpTime Max(OpTime a, OpTime b) => a >= b ? a : b;

    public static OpTime Min(OpTime a, OpTime b) => a <= b ? a : b;

    /// <summary>The entry's wall-clock seconds, for lag and staleness arithmetic.</summary>
    public DateTimeOffset Date => DateTimeOffset.FromUnixTimeSeconds(Ts.Seconds);

    public override string ToString() => $"{{ ts: {Ts}, t: {Term} }}";
}
