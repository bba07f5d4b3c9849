using ReplicaActors.Protocol;

namespace ReplicaActors.Member;

/// <summary>
/// The member's durable state at a journal sequence number, saved before the journal is truncated up to
/// it: recovery starts here and replays what follows. <paramref name="OplogDeletedThrough"/> is the newest
/// oplog entry the truncation deleted, so the recovered oplog knows it no longer starts at the beginning.
/// </summary>
public sealed record MemberSnapshot(MemberDurableState State, OpTime OplogDeletedThrough);
