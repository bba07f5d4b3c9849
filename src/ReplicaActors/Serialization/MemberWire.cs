using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Serialization;

/// <summary>BSON shapes of the member-to-member messages (field names kept short: heartbeats and batches are frequent).</summary>
internal static class MemberWire
{
    public static BsonDocument Write(MemberReport r)
    {
        var doc = new BsonDocument
        {
            { "set", r.SetName }, { "id", r.MemberId }, { "term", r.Term }, { "state", (int)r.State },
            { "applied", r.Applied.ToBson() }, { "durable", r.Durable.ToBson() }, { "commit", r.CommitPoint.ToBson() },
            { "sync", r.SyncSourceId is { } s ? s : BsonNull.Value }, { "elected", r.ElectionMillis },
        };
        if (r.Config is not null) doc.Add("config", r.Config);
        return doc;
    }

    public static MemberReport ReadReport(BsonDocument d) => new(
        d["set"].AsString, d["id"].ToInt32(), d["term"].ToInt64(), (MemberState)d["state"].ToInt32(),
        OpTimeBson.FromBson(d["applied"].AsBsonDocument), OpTimeBson.FromBson(d["durable"].AsBsonDocument),
        OpTimeBson.FromBson(d["commit"].AsBsonDocument), d["sync"].IsBsonNull ? null : d["sync"].ToInt32(),
        d["elected"].ToInt64(), d.TryGetValue("config", out var c) ? c.AsBsonDocument : null);

    public static BsonDocument Write(MemberPosition p) => new()
    {
        { "id", p.MemberId }, { "applied", p.Applied.ToBson() }, { "durable", p.Durable.ToBson() }, { "term", p.Term },
    };

    public static MemberPosition ReadPosition(BsonDocument d) => new(
        d["id"].ToInt32(), OpTimeBson.FromBson(d["applied"].AsBsonDocument), OpTimeBson.FromBson(d["durable"].AsBsonDocument), d["term"].ToInt64());

    public static BsonDocument Write(object message) => message switch
    {
        Heartbeat h => new BsonDocument { { "from", Write(h.From) }, { "sent", h.SentTicks } },
        HeartbeatReply h => new BsonDocument { { "from", Write(h.From) }, { "echo", h.EchoTicks } },
        RequestVote v => new BsonDocument
        {
            { "set", v.SetName }, { "dry", v.DryRun }, { "term", v.Term }, { "candidate", v.CandidateId },
            { "cv", v.ConfigVersion }, { "ct", v.ConfigTerm }, { "last", v.LastWritten.ToBson() },
        },
        VoteReply v => new BsonDocument { { "voter", v.VoterId }, { "dry", v.DryRun }, { "term", v.Term }, { "granted", v.Granted }, { "reason", v.Reason } },
        ElectionHandoff e => new BsonDocument("term", e.Term),
        FetchOplog f => new BsonDocument { { "from", f.FromId }, { "after", f.After.ToBson() }, { "term", f.Term }, { "req", f.RequestId } },
        OplogBatch b => new BsonDocument
        {
            { "source", b.SourceId }, { "term", b.SourceTerm }, { "commit", b.CommitPoint.ToBson() },
            { "entries", new BsonArray(b.Entries.Select(e => e.ToBson())) }, { "missing", b.AfterNotFound }, { "oldest", b.SourceOldest.ToBson() },
            { "newest", b.SourceNewest.ToBson() }, { "req", b.RequestId },
        },
        UpdatePosition u => new BsonDocument("positions", new BsonArray(u.Positions.Select(Write))),
        CloneCatalogRequest c => new BsonDocument { { "from", c.FromId }, { "list", c.ListCollections } },
        CloneCatalog c => new BsonDocument
        {
            { "source", c.SourceId }, { "newest", c.Newest is { } n ? n.ToBson() : BsonNull.Value }, { "error", c.Error },
            { "colls", new BsonArray(c.Collections.Select(k => new BsonDocument
                {
                    { "ns", k.Ns }, { "created", k.CreatedAt.ToBson() }, { "indexes", new BsonArray(k.Indexes) }, { "docs", k.Documents }, { "bytes", k.Bytes },
                })) },
        },
        CloneBatchRequest c => new BsonDocument
        {
            { "from", c.FromId }, { "ns", c.Ns }, { "after", new BsonBinaryData(c.AfterKey) }, { "max", c.MaxDocuments }, { "maxBytes", c.MaxBytes },
        },
        CloneBatch c => new BsonDocument
        {
            { "ns", c.Ns }, { "docs", new BsonBinaryData(ClonedDocument.Pack(c.Documents)) }, { "last", new BsonBinaryData(c.LastKey) }, { "bytes", c.Bytes },
            { "done", c.Done }, { "error", c.Error },
        },
        _ => throw new ArgumentException($"{message.GetType()} is not a member message", nameof(message)),
    };

    public static object Read(Type type, BsonDocument d) => type.Name switch
    {
        nameof(Heartbeat) => new Heartbeat(ReadReport(d["from"].AsBsonDocument), d["sent"].ToInt64()),
        nameof(HeartbeatReply) => new HeartbeatReply(ReadReport(d["from"].AsBsonDocument), d["echo"].ToInt64()),
        nameof(RequestVote) => new RequestVote(d["set"].AsString, d["dry"].AsBoolean, d["term"].ToInt64(), d["candidate"].ToInt32(),
            d["cv"].ToInt64(), d["ct"].ToInt64(), OpTimeBson.FromBson(d["last"].AsBsonDocument)),
        nameof(VoteReply) => new VoteReply(d["voter"].ToInt32(), d["dry"].AsBoolean, d["term"].ToInt64(), d["granted"].AsBoolean, d["reason"].AsString),
        nameof(ElectionHandoff) => new ElectionHandoff(d["term"].ToInt64()),
        nameof(FetchOplog) => new FetchOplog(d["from"].ToInt32(), OpTimeBson.FromBson(d["after"].AsBsonDocument), d["term"].ToInt64(), d["req"].ToInt64()),
        nameof(OplogBatch) => new OplogBatch(d["source"].ToInt32(), d["term"].ToInt64(), OpTimeBson.FromBson(d["commit"].AsBsonDocument),
            d["entries"].AsBsonArray.Select(e => OplogEntry.FromBson(e.AsBsonDocument)).ToArray(), d["missing"].AsBoolean,
            OpTimeBson.FromBson(d["oldest"].AsBsonDocument), OpTimeBson.FromBson(d["newest"].AsBsonDocument), d["req"].ToInt64()),
        nameof(UpdatePosition) => new UpdatePosition(d["positions"].AsBsonArray.Select(p => ReadPosition(p.AsBsonDocument)).ToArray()),
        nameof(CloneCatalogRequest) => new CloneCatalogRequest(d["from"].ToInt32(), d["list"].AsBoolean),
        nameof(CloneCatalog) => new CloneCatalog(d["source"].ToInt32(), d["newest"].IsBsonNull ? null : OplogEntry.FromBson(d["newest"].AsBsonDocument),
            d["colls"].AsBsonArray.Select(k => k.AsBsonDocument).Select(k => new CloneCollection(k["ns"].AsString, OpTimeBson.FromBson(k["created"].AsBsonDocument),
                k["indexes"].AsBsonArray.Select(i => i.AsBsonDocument).ToArray(), k["docs"].ToInt64(), k["bytes"].ToInt64())).ToArray(),
            d["error"].AsString),
        nameof(CloneBatchRequest) => new CloneBatchRequest(d["from"].ToInt32(), d["ns"].AsString, d["after"].AsByteArray, d["max"].ToInt32(), d["maxBytes"].ToInt64()),
        nameof(CloneBatch) => new CloneBatch(d["ns"].AsString, ClonedDocument.Unpack(d["docs"].AsByteArray), d["last"].AsByteArray,
            d["bytes"].ToInt64(), d["done"].AsBoolean, d["error"].AsString),
        _ => throw new ArgumentException($"{type} is not a member message", nameof(type)),
    };
}
