using MongoDB.Bson;

namespace ReplicaActors.Protocol;

// The protocol between members: every message here crosses the network (bound to the replica
// serializer through IReplicaMessage). Members address each other at /user/member on the host
// named in the config.

/// <summary>What a member says about itself in every heartbeat and heartbeat reply.</summary>
public sealed record MemberReport(
    string SetName,
    int MemberId,
    long Term,
    MemberState State,
    OpTime Applied,
    OpTime Durable,
    OpTime CommitPoint,
    int? SyncSourceId,
    long ElectionMillis,
    BsonDocument? Config);

/// <summary>Sent to every other member each heartbeat interval; <paramref name="SentTicks"/> comes back in the reply for the ping time.</summary>
public sealed record Heartbeat(MemberReport From, long SentTicks) : IReplicaMessage;

public sealed record HeartbeatReply(MemberReport From, long EchoTicks) : IReplicaMessage;

/// <summary>A candidate asks for a vote (or, in a dry run, whether it would get one).</summary>
public sealed record RequestVote(string SetName, bool DryRun, long Term, int CandidateId, long ConfigVersion, long ConfigTerm, OpTime LastWritten) : IReplicaMessage;

public sealed record VoteReply(int VoterId, bool DryRun, long Term, bool Granted, string Reason) : IReplicaMessage;

/// <summary>A stepping-down primary asks its chosen successor to stand at once.</summary>
public sealed record ElectionHandoff(long Term) : IReplicaMessage;

/// <summary>
/// A secondary tails its sync source: entries after <paramref name="After"/>, which it already has. The answer echoes
/// <paramref name="RequestId"/>, so a requester that may have several fetches or probes out can tell which one it answers.
/// </summary>
public sealed record FetchOplog(int FromId, OpTime After, long Term, long RequestId = 0) : IReplicaMessage;

/// <summary>
/// The answer to a fetch: the next entries (possibly none, after waiting for data), the source's
/// term, commit point and newest entry. <paramref name="AfterNotFound"/>: the source's oplog does not hold the
/// requester's newest entry (it fell behind the source's window, or the two histories diverged).
/// </summary>
public sealed record OplogBatch(int SourceId, long SourceTerm, OpTime CommitPoint, IReadOnlyList<OplogEntry> Entries, bool AfterNotFound, OpTime SourceOldest, OpTime SourceNewest, long RequestId = 0) : IReplicaMessage
{
    /// <summary>
    /// Whether the source holds the entry at <paramref name="after"/>, the OpTime this batch answers: it sent what
    /// follows it, or it is its newest. An empty answer from a source that is behind (it parked the fetch until
    /// its wait ran out) is not "found": the source does not have that entry.
    /// </summary>
    public bool Holds(OpTime after) => !AfterNotFound && (Entries.Count > 0 || SourceNewest == after);
}

/// <summary>A member's replication progress: what it has applied and made durable.</summary>
public sealed record MemberPosition(int MemberId, OpTime Applied, OpTime Durable, long Term);

/// <summary>Progress reported upstream along the sync-source chain, so the primary can advance the commit point.</summary>
public sealed record UpdatePosition(IReadOnlyList<MemberPosition> Positions) : IReplicaMessage;

/// <summary>
/// Initial sync asks a source for its newest applied entry (the begin point, or later the stop point) and,
/// with <paramref name="ListCollections"/>, for every collection it would clone.
/// </summary>
public sealed record CloneCatalogRequest(int FromId, bool ListCollections) : IReplicaMessage;

/// <summary>A collection a source offers: namespace, creation OpTime, indexes (listIndexes' shape), document count and BSON bytes.</summary>
public sealed record CloneCollection(string Ns, OpTime CreatedAt, IReadOnlyList<BsonDocument> Indexes, long Documents, long Bytes);

/// <summary>
/// The source's newest applied oplog entry and its collections (every database but <c>local</c>), or
/// <paramref name="Error"/> (non-empty) saying why it cannot serve an initial sync.
/// </summary>
public sealed record CloneCatalog(int SourceId, OplogEntry? Newest, IReadOnlyList<CloneCollection> Collections, string Error) : IReplicaMessage;

/// <summary>The next documents of <paramref name="Ns"/> after the _id key <paramref name="AfterKey"/> (empty: from the first).</summary>
public sealed record CloneBatchRequest(int FromId, string Ns, byte[] AfterKey, int MaxDocuments, long MaxBytes) : IReplicaMessage;

/// <summary>One batch of documents (raw, as stored) in _id key order, the last key sent, their bytes, and whether the collection ends here; or an error.</summary>
public sealed record CloneBatch(string Ns, IReadOnlyList<ClonedDocument> Documents, byte[] LastKey, long Bytes, bool Done, string Error) : IReplicaMessage;
