using MongoDB.Bson;

namespace ReplicaActors.Config;

/// <summary>
/// The <c>settings</c> sub-document of a replica set config, with MongoDB's defaults.
/// <see cref="GetLastErrorModes"/> names custom write concerns: mode → (tag key → how many distinct values).
/// </summary>
public sealed record ReplicaSetSettings
{
    // Declared before Default: static fields initialise in textual order and Default's initialiser reads this one.
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> NoModes =
        new Dictionary<string, IReadOnlyDictionary<string, int>>();

    public static readonly ReplicaSetSettings Default = new();

    public int HeartbeatIntervalMillis { get; init; } = 2000;
    public int HeartbeatTimeoutSecs { get; init; } = 10;
    public int ElectionTimeoutMillis { get; init; } = 10000;

    /// <summary>-1: catch up for as long as it takes; 0: no catch-up.</summary>
    public int CatchUpTimeoutMillis { get; init; } = -1;

    /// <summary>-1 disables catch-up takeover.</summary>
    public int CatchUpTakeoverDelayMillis { get; init; } = 30000;

    public bool ChainingAllowed { get; init; } = true;
    public BsonDocument? GetLastErrorDefaults { get; init; }
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> GetLastErrorModes { get; init; } = NoModes;
    public ObjectId? ReplicaSetId { get; init; }

    public TimeSpan HeartbeatInterval => TimeSpan.FromMilliseconds(HeartbeatIntervalMillis);
    public TimeSpan HeartbeatTimeout => TimeSpan.FromSeconds(HeartbeatTimeoutSecs);
    public TimeSpan ElectionTimeout => TimeSpan.FromMilliseconds(ElectionTimeoutMillis);

    public bool Equals(ReplicaSetSettings? other) =>
        other is not null
        && HeartbeatIntervalMillis == other.HeartbeatIntervalMillis
        && HeartbeatTimeoutSecs == other.HeartbeatTimeoutSecs
        && ElectionTimeoutMillis == other.ElectionTimeoutMillis
        && CatchUpTimeoutMillis == other.CatchUpTimeoutMillis
        && CatchUpTakeoverDelayMillis == other.CatchUpTakeoverDelayMillis
        && ChainingAllowed == other.ChainingAllowed
        && Equals(GetLastErrorDefaults, other.GetLastErrorDefaults)
        && ReplicaSetId == other.ReplicaSetId
        && ModesEqual(GetLastErrorModes, other.GetLastErrorModes);

    public override int GetHashCode() =>
        HashCode.Combine(HeartbeatIntervalMillis, HeartbeatTimeoutSecs, ElectionTimeoutMillis, CatchUpTimeoutMillis,
            CatchUpTakeoverDelayMillis, ChainingAllowed, ReplicaSetId);

    private static bool ModesEqual(
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> a,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> b) =>
        a.Count == b.Count
        && a.All(mode => b.TryGetValue(mode.Key, out var other)
            && mode.Value.Count == other.Count
            && mode.Value.All(t => other.TryGetValue(t.Key, out var n) && n == t.Value));
}
