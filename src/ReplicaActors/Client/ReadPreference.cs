using ReplicaActors.Protocol;

namespace ReplicaActors.Client;

public enum ReadPreferenceMode
{
    Primary,
    PrimaryPreferred,
    Secondary,
    SecondaryPreferred,
    Nearest,
}

/// <summary>
/// Where a client may read: a mode, tag sets tried in order (the first that matches any member wins; an empty
/// set matches all) and an optional bound on how stale a secondary may be.
/// </summary>
public sealed record ReadPreference(
    ReadPreferenceMode Mode,
    IReadOnlyList<IReadOnlyDictionary<string, string>>? TagSets = null,
    int? MaxStalenessSeconds = null)
{
    public static readonly ReadPreference Primary = new(ReadPreferenceMode.Primary);

    private static readonly IReadOnlyList<IReadOnlyDictionary<string, string>> MatchAll = [new Dictionary<string, string>()];

    public IReadOnlyList<IReadOnlyDictionary<string, string>> EffectiveTagSets => TagSets is { Count: > 0 } sets ? sets : MatchAll;

    /// <summary>Parses MongoDB's spelling of a mode: "primary", "primaryPreferred", "secondary", "secondaryPreferred", "nearest".</summary>
    public static ReadPreferenceMode ParseMode(string mode) =>
        Enum.GetValues<ReadPreferenceMode>().Where(m => ModeName(m) == mode).Cast<ReadPreferenceMode?>().FirstOrDefault()
        ?? throw new ReplicaException(ErrorCode.FailedToParse,
            $"unknown read preference mode '{mode}': expected primary, primaryPreferred, secondary, secondaryPreferred or nearest");

    /// <summary>MongoDB's spelling of a mode, as <c>$readPreference.mode</c> carries it.</summary>
    public static string ModeName(ReadPreferenceMode mode) => mode switch
    {
        ReadPreferenceMode.Primary => "primary",
        ReadPreferenceMode.PrimaryPreferred => "primaryPreferred",
        ReadPreferenceMode.Secondary => "secondary",
        ReadPreferenceMode.SecondaryPreferred => "secondaryPreferred",
        ReadPreferenceMode.Nearest => "nearest",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "not a read preference mode"),
    };
}
