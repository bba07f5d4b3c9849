using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage;

/// <summary>A database as listDatabases shows it. Empty: it holds no documents.</summary>
public sealed record DatabaseInfo(string Name, long SizeOnDisk, bool Empty);

/// <summary>A collection and the OpTime of the oplog entry that created it.</summary>
public sealed record CollectionInfo(string Name, OpTime CreatedAt);

/// <summary>One page of a collection for initial sync: its documents, the last _id key read, their BSON bytes, and whether the collection ends here.</summary>
public sealed record ClonePage(IReadOnlyList<ClonedDocument> Documents, byte[] LastKey, long Bytes, bool Done);
