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
/// </summary>
public sealed record ServerDescription(
    string Host,
    ServerType Type,
    double RoundTripMillis,
    IReadOnlyDictionary<string, string> Tags,
    DateTimeOffset LastUpdateTime,
    DateTimeOffset LastWriteDate,
    bool Hidden = false,
    bool Delayed = false);
