using MongoDB.Bson;

namespace ReplicaActors.Client;

/// <summary>
/// The fields of a member's <c>hello</c> answer a client uses to learn the set. Missing fields read as
/// "no" or empty: a member without a config answers with little more than <c>ok</c>.
/// </summary>
public sealed record HelloReply(
    bool IsWritablePrimary,
    bool Secondary,
    string? SetName,
    IReadOnlyList<string> Hosts,
    IReadOnlyList<string> Passives,
    IReadOnlyList<string> Arbiters,
    string? Primary,
    string? Me,
    bool Hidden,
    bool ArbiterOnly,
    IReadOnlyDictionary<string, string> Tags,
    DateTimeOffset? LastWriteDate,
    long? ElectionTerm)
{
    public static HelloReply Parse(BsonDocument hello) => new(
        Flag(hello, "isWritablePrimary"),
        Flag(hello, "secondary"),
        Text(hello, "setName"),
        Strings(hello, "hosts"),
        Strings(hello, "passives"),
        Strings(hello, "arbiters"),
        Text(hello, "primary"),
        Text(hello, "me"),
        Flag(hello, "hidden"),
        Flag(hello, "arbiterOnly"),
        hello.TryGetValue("tags", out var tags) && tags is BsonDocument t
            ? t.Elements.Where(e => e.Value.IsString).ToDictionary(e => e.Name, e => e.Value.AsString)
            : new Dictionary<string, string>(),
        hello.TryGetValue("lastWrite", out var lastWrite) && lastWrite is BsonDocument w
            && w.TryGetValue("lastWriteDate", out var date) && date.IsValidDateTime
            ? new DateTimeOffset(date.ToUniversalTime())
            : null,
        hello.TryGetValue("electionTerm", out var term) && term.IsNumeric ? term.ToInt64() : null);

    /// <summary>SDAM's classification; a hidden member is never offered to reads, so it is "other", not secondary.</summary>
    public ServerType Type =>
        SetName is null ? ServerType.RSGhost
        : IsWritablePrimary ? ServerType.RSPrimary
        : Hidden ? ServerType.RSOther
        : Secondary ? ServerType.RSSecondary
        : ArbiterOnly ? ServerType.RSArbiter
        : ServerType.RSOther;

    /// <summary>Every member this one knows of: hosts, passives, arbiters and the primary it follows.</summary>
    public IEnumerable<string> KnownMembers =>
        Hosts.Concat(Passives).Concat(Arbiters).Concat(Primary is null ? [] : [Primary]).Distinct();

    private static bool Flag(BsonDocument hello, string name) => hello.TryGetValue(name, out var value) && value.ToBoolean();

    private static string? Text(BsonDocument hello, string name) =>
        hello.TryGetValue(name, out var value) && value.IsString ? value.AsString : null;

    private static IReadOnlyList<string> Strings(BsonDocument hello, string name) =>
        hello.TryGetValue(name, out var value) && value.IsBsonArray
            ? value.AsBsonArray.Where(v => v.IsString).Select(v => v.AsString).ToList()
            : [];
}
