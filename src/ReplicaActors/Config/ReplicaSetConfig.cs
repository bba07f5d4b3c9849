using MongoDB.Bson;

namespace ReplicaActors.Config;

/// <summary>
/// A replica set config: <c>{ _id: name, version, term, members, settings }</c>.
/// Parsing (<see cref="FromBson"/>) checks shapes and applies defaults; <see cref="ConfigValidator"/> checks the rules.
/// </summary>
public sealed record ReplicaSetConfig(string Name, long Version, long Term, IReadOnlyList<MemberConfig> Members, ReplicaSetSettings Settings)
{
    /// <summary>The term of a config that has not been stamped by a primary (forced, or not yet initiated).</summary>
    public const long UninitializedTerm = -1;

    public ConfigVersionAndTerm VersionAndTerm => new(Version, Term);

    public IEnumerable<MemberConfig> Voters => Members.Where(m => m.IsVoter);

    public IEnumerable<MemberConfig> VotingDataBearing => Members.Where(m => m.IsVoter && m.IsDataBearing);

    public IEnumerable<MemberConfig> DataBearing => Members.Where(m => m.IsDataBearing);

    public int VoterCount => Members.Count(m => m.IsVoter);

    /// <summary>Votes needed to win an election: floor(voters / 2) + 1.</summary>
    public int MajorityVoteCount => VoterCount / 2 + 1;

    /// <summary>Members needed for <c>w: "majority"</c>: a vote majority, capped by how many voters hold data.</summary>
    public int WriteMajorityCount => Math.Min(MajorityVoteCount, VotingDataBearing.Count());

    public MemberConfig? FindById(int id) => Members.FirstOrDefault(m => m.Id == id);

    public MemberConfig? FindByHost(string host) =>
        Members.FirstOrDefault(m => string.Equals(m.Host, host, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether the member, as configured, may ever stand for election.</summary>
    public static bool IsElectable(MemberConfig member) => member.IsElectable;

    public static ReplicaSetConfig FromBson(BsonDocument document) => ConfigParser.Parse(document);

    public BsonDocument ToBson() => ConfigParser.Write(this);

    public bool Equals(ReplicaSetConfig? other) =>
        other is not null
        && Name == other.Name
        && Version == other.Version
        && Term == other.Term
        && Members.SequenceEqual(other.Members)
        && Settings.Equals(other.Settings);

    public override string ToString() =>
        $"{Name} {VersionAndTerm} [{string.Join(", ", Members.Select(m => m.Describe()))}]";

    public override int GetHashCode() => HashCode.Combine(Name, Version, Term, Members.Count, Settings);
}
