using Akka.Actor;
using Akka.Configuration;
using MongoDB.Bson;
using ReplicaActors.Member;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;
using ReplicaActors.Serialization;
using ReplicaActors.Storage;

namespace ReplicaActors.Tests.Serialization;

/// <summary>Everything that crosses the network or lands in the journal survives a round trip through the replica serializer, field for field.</summary>
public sealed class ReplicaSerializerTests : IDisposable
{
    private static readonly OpTime Time = new(new Timestamp(1_700_000_000, 7), 3);
    private static readonly OplogEntry Entry = new(Time, 1_700_000_000_123, OpType.Update, "shop.items",
        new BsonDocument { { "_id", 1 }, { "qty", 5 }, { "when", new BsonDateTime(1_700_000_000_000) } }, 1, ObjectId.Parse("65f000000000000000000001"));
    private static readonly MemberReport Report = new("rs0", 2, 3, MemberState.Secondary, Time, Time, OpTime.Null, 0, 0,
        BsonDocument.Parse("{ _id: 'rs0', version: 1, members: [{ _id: 0, host: '127.0.0.1:1' }] }"));

    private readonly ActorSystem _system = ActorSystem.Create("serializer-test", ConfigurationFactory.ParseString("akka.actor.provider = local")
        .WithFallback(ReferenceConfig.Value));

    public static TheoryData<object> Messages => new()
    {
        new CommandRequest("shop", BsonDocument.Parse("{ insert: 'items', documents: [{ _id: 1 }] }")),
        new CommandReply(BsonDocument.Parse("{ ok: 1.0, n: 1 }")),
        new OplogAppended([Entry, Entry with { Op = OpType.Noop, O = new BsonDocument("msg", "x"), O2 = null, WriteId = null }]),
        new OplogAppended([Entry with { Reply = BsonDocument.Parse("{ lastErrorObject: { n: 1, updatedExisting: true }, value: { _id: 1, qty: 4 } }") }]),
        new TermChanged(4, 2),
        new TermChanged(5, null),
        new Heartbeat(Report, 123456789),
        new HeartbeatReply(Report with { Config = null, SyncSourceId = null, State = MemberState.Primary }, 42),
        new RequestVote("rs0", true, 4, 1, 2, 3, Time),
        new VoteReply(2, false, 4, true, ""),
        new ElectionHandoff(4),
        new FetchOplog(1, Time, 3, RequestId: 17),
        new OplogBatch(0, 3, Time, [Entry], false, OpTime.Null, Time with { Term = 4 }),
        new OplogBatch(2, 5, OpTime.Null, [], true, Time with { Term = 1 }, Time, RequestId: 17),
        new UpdatePosition([new MemberPosition(1, Time, Time, 3), new MemberPosition(2, OpTime.Null, OpTime.Null, 2)]),
        new MemberSnapshot(new MemberDurableState(4, 1, ReplicaActors.Config.ReplicaSetConfig.FromBson(Report.Config!), Time, 1_700_000_000_123), Time with { Term = 2 }),
        new MemberSnapshot(MemberDurableState.Empty, OpTime.Null),
        new CloneCatalogRequest(3, true),
        new CloneCatalog(0, Entry, [new CloneCollection("shop.items", Time, [BsonDocument.Parse("{ v: 2, key: { code: 1 }, name: 'code_1', unique: true }")], 10, 420)], ""),
        new CloneCatalog(0, null, [], "it is ROLLBACK, not PRIMARY or SECONDARY"),
        new CloneBatchRequest(3, "shop.items", [1, 2, 3], 100, 4096),
        new CloneBatch("shop.items", [KeyEncoder.Clone(BsonDocument.Parse("{ _id: 1, code: 'a' }")), KeyEncoder.Clone(BsonDocument.Parse("{ _id: 'b', n: [1, 2] }"))], [4, 5], 30, false, ""),
        new CloneBatch("shop.items", [], [], 0, true, ""),
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void Round_trips(object message)
    {
        var serializer = (ReplicaSerializer)_system.Serialization.FindSerializerFor(message);

        var back = serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message));

        Assert.Equal(ReplicaSerializer.ToDocument(message), ReplicaSerializer.ToDocument(back));
        Assert.Equal(message.GetType(), back.GetType());
    }

    public void Dispose() => _system.Dispose();
}
