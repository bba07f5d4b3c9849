namespace ReplicaActors.Config;

/// <summary>
/// One member of a replica set config (<c>members[n]</c>), with MongoDB's defaults.
/// Equality compares tags by content, so two parses of the same document are equal.
/// </summary>
public sealed record MemberConfig(int Id, string Host)
{
    public static readonly IReadOnlyDictionary<string, string> NoTags = new Dictionary<string, string>();

    public bool ArbiterOnly { get; init; }
    public double Priority { get; init; } = 1.0;
    public int Votes { get; init; } = 1;
    public bool Hidden { get; init; }
    public int SecondaryDelaySecs { get; init; }
    public IReadOnlyDictionary<string, string> Tags { get; init; } = NoTags;
    public bool BuildIndexes { get; init; } = true;

    public bool IsVoter => Votes == 1;

    public bool IsDataBearing => !ArbiterOnly;

    public bool IsDelayed => SecondaryDelaySecs > 0;

    /// <summary>Can stand for election: holds data, votes, and has a priority above 0.</summary>
    public bool IsElectable => !ArbiterOnly && Votes == 1 && Priority > 0;

    /// <summary>"member 2 (127.0.0.1:27203)": how messages name a member.</summary>
    public string Describe() => $"member {Id} ({Host})";

    public bool Equals(MemberConfig? other) =>
        other is not null
        && Id == other.Id
        && Host == other.Host
        && ArbiterOnly == other.ArbiterOnly
        && Priority.Equals(other.Priority)
        && Votes == other.Votes
        && Hidden == other.Hidden
        && SecondaryDelaySecs == other.SecondaryDelaySecs
        && BuildIndexes == other.BuildIndexes
        && Tags.Count == other.Tags.Count
        && Tags.All(t => other.Tags.TryGetValue(t.Key, out var v) && v == t.Value);

    public override int GetHashCode() => HashCode.Combine(Id, Host, ArbiterOnly, Priority, Votes, Hidden, SecondaryDelaySecs, BuildIndexes);
}
