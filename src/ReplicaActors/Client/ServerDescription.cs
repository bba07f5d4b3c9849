namespace ReplicaActors.Client;

/// <summary>How a client classifies a member from its <c>hello</c> answer (the SDAM server types).</summary>
public enum ServerType
{
    Unknown,
    RSPrimary,
    RSSecondary,
    RSArbiter,
    /// <summary>In the set but neither primary nor secondary (hidden, STARTUP2, RECOVERING...).</summary>
    RSOther,
    /// <summary>Answers as a replica set member but has no valid config.</summary>
    RSGhost,
}

/// <summary>
/// What the client knows of one member: its type, round-trip time, tags and when its last write happened
/// (<c>hello.lastWrite.lastWriteDate</c>) as of the client's last check (<see cref="LastUpdateTime"/>).
/// <see cref="Error"/> says why an <see cref="ServerType.Unknown"/> member is unknown (null: not checked yet);
/// <see cref="ElectionTerm"/> is the term a primary reports.
/// </summary>
public sealed record ServerDescription(
    string Host,
    ServerType Type,
    double RoundTripMillis,
    IReadOnlyDictionary<string, string> Tags,
    DateTimeOffset LastUpdateTime,
    DateTimeOffset LastWriteDate,
    bool Hidden = false,
    bool Delayed = false,
    string? Error = null,
    long? ElectionTerm = null)
{
    private static readonly IReadOnlyDictionary<string, string> NoTags = new Dictionary<string, string>();

    public static ServerDescription Unknown(string host, string? error = null) =>
        new(host, ServerType.Unknown, 0, NoTags, default, default, Error: error);

    /// <summary>The member's state as a person reads it in an error message or a status line.</summary>
    public string State => Type switch
    {
        ServerType.RSPrimary => "PRIMARY",
        ServerType.RSSecondary => "SECONDARY",
        ServerType.RSArbiter => "ARBITER",
        ServerType.RSOther => Hidden ? "hidden" : "neither primary nor secondary",
        ServerType.RSGhost => "no replica set config",
        _ => Error is null ? "not checked yet" : $"unknown: {Error}",
    };
}
