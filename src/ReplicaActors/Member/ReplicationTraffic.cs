using MongoDB.Bson;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;
using ReplicaActors.Storage;

namespace ReplicaActors.Member;

/// <summary>
/// The replication messages a member received since it started: answers to its oplog fetches (and rollback probes),
/// fetches it served, and position reports; with the store's applied entries, mongod's <c>metrics.repl</c>. Counted on
/// the member's thread and read there.
/// </summary>
internal sealed class ReplicationTraffic
{
    private long _batches, _emptyBatches, _entries, _bytes, _fetchesServed, _positionReports;

    public void Received(OplogBatch batch)
    {
        _batches++;
        if (batch.Entries.Count == 0) _emptyBatches++;
        _entries += batch.Entries.Count;
        foreach (var entry in batch.Entries) _bytes += BsonSize.Of(entry);
    }

    public void Served(FetchOplog _) => _fetchesServed++;

    public void Received(UpdatePosition _) => _positionReports++;

    /// <summary>
    /// mongod's <c>metrics.repl</c> with what this member measures; what it does not (the fetch buffer, getMore
    /// timings) is left out rather than shown as zero.
    /// </summary>
    public BsonDocument ToBson(AppliedOps applied) => new()
    {
        {
            "apply", new BsonDocument
            {
                { "batches", new BsonDocument { { "num", applied.Batches }, { "totalMillis", (long)applied.BatchTime.TotalMilliseconds } } },
                { "ops", applied.Entries },
            }
        },
        {
            "network", new BsonDocument
            {
                { "bytes", _bytes },
                { "getmores", new BsonDocument { { "num", _batches }, { "numEmptyBatches", _emptyBatches } } },
                { "ops", _entries },
                { "oplogGetMoresProcessed", new BsonDocument("num", _fetchesServed) },
                { "replSetUpdatePosition", new BsonDocument("num", _positionReports) },
            }
        },
    };
}
