using MongoDB.Bson;

namespace ReplicaActors.Protocol;

/// <summary>The kind of change an oplog entry records (MongoDB's one-letter codes).</summary>
public enum OpType
{
    /// <summary>"i": the document in <c>o</c> was inserted.</summary>
    Insert,
    /// <summary>"u": the document with <c>_id</c> o2 now equals the full document in <c>o</c> (logged as its effect, so re-applying is harmless).</summary>
    Update,
    /// <summary>"d": the document with <c>_id</c> in <c>o</c> was deleted.</summary>
    Delete,
    /// <summary>"c": a command on <c>ns</c> (create, drop, createIndexes, dropIndexes, dropDatabase).</summary>
    Command,
    /// <summary>"n": a no-op (a new primary's first entry, a linearizable-read barrier).</summary>
    Noop,
}

/// <summary>
/// One oplog entry: one document changed (or one command). Idempotent: applying it twice leaves the
/// same state as applying it once.
/// </summary>
/// <param name="WriteId">The client's id for the write command that made this entry, so a retried write is recognised on any member.</param>
/// <param name="Reply">
/// What a retry of the write must be answered with when the entries alone cannot say it: a findAndModify's
/// <c>value</c> and <c>lastErrorObject</c> (the pre- or post-image it returned, as projected). Only on entries with a write id.
/// </param>
public sealed record OplogEntry(OpTime OpTime, long WallMillis, OpType Op, string Ns, BsonDocument O, BsonValue? O2, BsonValue? WriteId = null, BsonDocument? Reply = null)
{
    public static string OpCode(OpType op) => op switch
    {
        OpType.Insert => "i",
        OpType.Update => "u",
        OpType.Delete => "d",
        OpType.Command => "c",
        OpType.Noop => "n",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    public static OpType ParseOpCode(string code) => code switch
    {
        "i" => OpType.Insert,
        "u" => OpType.Update,
        "d" => OpType.Delete,
        "c" => OpType.Command,
        "n" => OpType.Noop,
        _ => throw new FormatException($"unknown oplog op '{code}'"),
    };

    /// <summary>The entry as MongoDB shows it: <c>{ ts, t, op, ns, o, o2?, wall }</c>, plus our <c>wid</c> and <c>reply</c> when set.</summary>
    public BsonDocument ToBson()
    {
        var doc = new BsonDocument
        {
            { "ts", new BsonTimestamp((int)OpTime.Ts.Seconds, (int)OpTime.Ts.Increment) },
            { "t", OpTime.Term },
            { "op", OpCode(Op) },
            { "ns", Ns },
            { "o", O },
        };
        if (O2 is not null) doc.Add("o2", new BsonDocument("_id", O2));
        doc.Add("wall", new BsonDateTime(WallMillis));
        if (WriteId is not null) doc.Add("wid", WriteId);
        if (Reply is not null) doc.Add("reply", Reply);
        return doc;
    }

    public static OplogEntry FromBson(BsonDocument doc)
    {
        var ts = doc["ts"].AsBsonTimestamp;
        BsonValue? o2 = doc.TryGetValue("o2", out var o2Doc) ? o2Doc.AsBsonDocument["_id"] : null;
        return new OplogEntry(
            new OpTime(new Timestamp((uint)ts.Timestamp, (uint)ts.Increment), doc["t"].ToInt64()),
            doc["wall"].AsBsonDateTime.MillisecondsSinceEpoch,
            ParseOpCode(doc["op"].AsString),
            doc["ns"].AsString,
            doc["o"].AsBsonDocument,
            o2,
            doc.TryGetValue("wid", out var wid) ? wid : null,
            doc.TryGetValue("reply", out var reply) ? reply.AsBsonDocument : null);
    }
}
