using ReplicaActors.Oplog;

namespace ReplicaActors.Storage;

/// <summary>A database as listDatabases shows it. Empty: it holds no documents.</summary>
public sealed record DatabaseInfo(string Name, long SizeOnDisk, bool Empty);

/// <summary>A collection and the OpTime of the oplog entry that created it.</summary>
public sealed record CollectionInfo(string Name, OpTime CreatedAt);
