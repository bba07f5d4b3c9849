using ReplicaActors.Config;
using ReplicaActors.Protocol;

namespace ReplicaActors.Oplog;

/// <summary>What the member's journal records, in order: facts in the past tense.</summary>
public interface IMemberEvent;

/// <summary>A batch of oplog entries, written to the journal before any of them is acknowledged.</summary>
public sealed record OplogAppended(IReadOnlyList<OplogEntry> Entries) : IMemberEvent;

/// <summary>The member moved to a new term, and whom it voted for in it (persisted before a vote is asked or granted).</summary>
public sealed record TermChanged(long Term, int? VotedFor) : IMemberEvent;

/// <summary>A replica set config was installed (initiate, reconfig, or learned from a heartbeat).</summary>
public sealed record ConfigInstalled(ReplicaSetConfig Config) : IMemberEvent;

/// <summary>
/// Everything after <paramref name="CommonPoint"/> was rolled back: the journal stays append-only, and
/// this marker voids the entries before it that are newer than the common point.
/// </summary>
public sealed record RollbackApplied(OpTime CommonPoint, long CommonWallMillis) : IMemberEvent;
