using Akka.Actor;
using Akka.Serialization;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using ReplicaActors.Config;
using ReplicaActors.Member;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;

namespace ReplicaActors.Serialization;

/// <summary>
/// BSON for everything that crosses the network or lands in the journal: documents are BSON already,
/// so encoding them again as JSON (Akka's default) would be slow and lossy (types like ObjectId, Decimal128).
/// Short string manifests keep the wire format explicit and stable.
/// </summary>
public sealed class ReplicaSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private const string CommandRequestManifest = "CR";
    private const string CommandReplyManifest = "CP";
    private const string OplogAppendedManifest = "OA";
    private const string TermChangedManifest = "TC";
    private const string ConfigInstalledManifest = "CI";
    private const string RollbackAppliedManifest = "RB";
    private const string MemberSnapshotManifest = "SN";

    /// <summary>Member-to-member messages, by manifest; their BSON shapes are in <see cref="MemberWire"/>.</summary>
    private static readonly Dictionary<string, Type> MemberMessages = new()
    {
        ["HB"] = typeof(Heartbeat),
        ["HR"] = typeof(HeartbeatReply),
        ["RV"] = typeof(RequestVote),
        ["VR"] = typeof(VoteReply),
        ["EH"] = typeof(ElectionHandoff),
        ["FO"] = typeof(FetchOplog),
        ["OB"] = typeof(OplogBatch),
        ["UP"] = typeof(UpdatePosition),
        ["CQ"] = typeof(CloneCatalogRequest),
        ["CC"] = typeof(CloneCatalog),
        ["BQ"] = typeof(CloneBatchRequest),
        ["BR"] = typeof(CloneBatch),
    };

    private static readonly Dictionary<Type, string> MemberManifests = MemberMessages.ToDictionary(kv => kv.Value, kv => kv.Key);

    public override int Identifier => 7801;

    public override string Manifest(object o) => o switch
    {
        CommandRequest => CommandRequestManifest,
        CommandReply => CommandReplyManifest,
        OplogAppended => OplogAppendedManifest,
        TermChanged => TermChangedManifest,
        ConfigInstalled => ConfigInstalledManifest,
        RollbackApplied => RollbackAppliedManifest,
        MemberSnapshot => MemberSnapshotManifest,
        _ when MemberManifests.TryGetValue(o.GetType(), out var manifest) => manifest,
        _ => throw new ArgumentException($"{o.GetType()} is not a ReplicaActors message", nameof(o)),
    };

    public override byte[] ToBinary(object obj) => ToDocument(obj).ToBson();

    public override object FromBinary(byte[] bytes, string manifest) =>
        FromDocument(BsonSerializer.Deserialize<BsonDocument>(bytes), manifest);

    internal static BsonDocument ToDocument(object obj) => obj switch
    {
        CommandRequest r => new BsonDocument { { "db", r.Db }, { "cmd", r.Command } },
        CommandReply r => r.Body,
        OplogAppended a => new BsonDocument("entries", new BsonArray(a.Entries.Select(e => e.ToBson()))),
        TermChanged t => new BsonDocument { { "term", t.Term }, { "votedFor", t.VotedFor is { } v ? v : BsonNull.Value } },
        ConfigInstalled c => c.Config.ToBson(),
        RollbackApplied r => new BsonDocument { { "common", r.CommonPoint.ToBson() }, { "wall", r.CommonWallMillis } },
        MemberSnapshot s => new BsonDocument
        {
            { "term", s.State.Term }, { "votedFor", s.State.VotedFor is { } v ? v : BsonNull.Value },
            { "config", s.State.Config is { } c ? c.ToBson() : BsonNull.Value },
            { "last", s.State.LastOpTime.ToBson() }, { "wall", s.State.LastWallMillis }, { "deleted", s.OplogDeletedThrough.ToBson() },
        },
        _ when MemberManifests.ContainsKey(obj.GetType()) => MemberWire.Write(obj),
        _ => throw new ArgumentException($"{obj.GetType()} is not a ReplicaActors message", nameof(obj)),
    };

    internal static object FromDocument(BsonDocument doc, string manifest) => manifest switch
    {
        CommandRequestManifest => new CommandRequest(doc["db"].AsString, doc["cmd"].AsBsonDocument),
        CommandReplyManifest => new CommandReply(doc),
        OplogAppendedManifest => new OplogAppended(doc["entries"].AsBsonArray.Select(e => OplogEntry.FromBson(e.AsBsonDocument)).ToArray()),
        TermChangedManifest => new TermChanged(doc["term"].ToInt64(), doc["votedFor"].IsBsonNull ? null : doc["votedFor"].ToInt32()),
        ConfigInstalledManifest => new ConfigInstalled(ReplicaSetConfig.FromBson(doc)),
        RollbackAppliedManifest => new RollbackApplied(OpTimeBson.FromBson(doc["common"].AsBsonDocument), doc["wall"].ToInt64()),
        MemberSnapshotManifest => new MemberSnapshot(
            new MemberDurableState(doc["term"].ToInt64(), doc["votedFor"].IsBsonNull ? null : doc["votedFor"].ToInt32(),
                doc["config"].IsBsonNull ? null : ReplicaSetConfig.FromBson(doc["config"].AsBsonDocument),
                OpTimeBson.FromBson(doc["last"].AsBsonDocument), doc["wall"].ToInt64()),
            OpTimeBson.FromBson(doc["deleted"].AsBsonDocument)),
        _ when MemberMessages.TryGetValue(manifest, out var type) => MemberWire.Read(type, doc),
        _ => throw new System.Runtime.Serialization.SerializationException($"unknown ReplicaActors manifest '{manifest}'"),
    };
}
