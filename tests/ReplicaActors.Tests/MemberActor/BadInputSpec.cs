using Akka.Actor;
using MongoDB.Bson;
using ReplicaActors.Member;
using ReplicaActors.Protocol;
using Xunit.Abstractions;

namespace ReplicaActors.Tests.MemberActor;

/// <summary>Every bad write is refused with a named error, and what was stored before is exactly what is stored after.</summary>
public sealed class BadInputSpec(ITestOutputHelper output) : MemberSpecBase(output)
{
    private const string Seed = "{ insert: 'items', documents: [{ _id: 1, sku: 'a', qty: 5, tags: ['x'] }, { _id: 2, sku: 'b', qty: 0 }] }";

    public static TheoryData<string, string, ErrorCode> BadWrites => new()
    {
        { "invalid collection name", "{ insert: 'it$ems', documents: [{ a: 1 }] }", ErrorCode.InvalidNamespace },
        { "system collection", "{ insert: 'system.users', documents: [{ a: 1 }] }", ErrorCode.InvalidNamespace },
        { "collection name not a string", "{ insert: 5, documents: [{ a: 1 }] }", ErrorCode.InvalidNamespace },
        { "documents not an array", "{ insert: 'items', documents: { a: 1 } }", ErrorCode.TypeMismatch },
        { "no documents", "{ insert: 'items', documents: [] }", ErrorCode.InvalidLength },
        { "duplicate _id", "{ insert: 'items', documents: [{ _id: 1 }] }", ErrorCode.DuplicateKey },
        { "duplicate unique key", "{ insert: 'items', documents: [{ _id: 3, sku: 'a' }] }", ErrorCode.DuplicateKey },
        { "$-prefixed field name", "{ insert: 'items', documents: [{ _id: 3, $bad: 1 }] }", ErrorCode.BadValue },
        { "array _id", "{ insert: 'items', documents: [{ _id: [1, 2] }] }", ErrorCode.BadValue },
        { "unknown query operator", "{ update: 'items', updates: [{ q: { qty: { $foo: 1 } }, u: { $set: { a: 1 } } }] }", ErrorCode.BadValue },
        { "unknown update operator", "{ update: 'items', updates: [{ q: {}, u: { $frob: { a: 1 } }, multi: true }] }", ErrorCode.FailedToParse },
        { "conflicting update paths", "{ update: 'items', updates: [{ q: { _id: 1 }, u: { $set: { qty: 1 }, $inc: { qty: 1 } } }] }", ErrorCode.ConflictingUpdateOperators },
        { "prefix-conflicting update paths", "{ update: 'items', updates: [{ q: { _id: 1 }, u: { $set: { 'a.b': 1, a: 2 } } }] }", ErrorCode.ConflictingUpdateOperators },
        { "$inc on a string", "{ update: 'items', updates: [{ q: { _id: 1 }, u: { $inc: { sku: 1 } } }] }", ErrorCode.TypeMismatch },
        { "$push on a non-array", "{ update: 'items', updates: [{ q: { _id: 1 }, u: { $push: { qty: 1 } } }] }", ErrorCode.TypeMismatch },
        { "changing _id", "{ update: 'items', updates: [{ q: { _id: 1 }, u: { $set: { _id: 9 } } }] }", ErrorCode.ImmutableField },
        { "update making a duplicate key", "{ update: 'items', updates: [{ q: { _id: 2 }, u: { $set: { sku: 'a' } } }] }", ErrorCode.DuplicateKey },
        { "multi update of a replacement", "{ update: 'items', updates: [{ q: {}, u: { qty: 1 }, multi: true }] }", ErrorCode.InvalidOptions },
        { "operators mixed with fields", "{ update: 'items', updates: [{ q: {}, u: { $set: { a: 1 }, b: 2 } }] }", ErrorCode.FailedToParse },
        { "delete limit 5", "{ delete: 'items', deletes: [{ q: {}, limit: 5 }] }", ErrorCode.BadValue },
        { "bad index key", "{ createIndexes: 'items', indexes: [{ key: { qty: 'sideways' } }] }", ErrorCode.CannotCreateIndex },
        { "unique index over duplicates", "{ createIndexes: 'items', indexes: [{ key: { qty: 1, z: 1 }, unique: true }, { key: { tags: 1 } }, { key: { missing: 1 }, unique: true, name: 'm' }] }", ErrorCode.DuplicateKey },
        { "dropping the _id index", "{ dropIndexes: 'items', index: '_id_' }", ErrorCode.InvalidOptions },
        { "dropping a missing index", "{ dropIndexes: 'items', index: 'nope' }", ErrorCode.IndexNotFound },
        { "dropping a missing collection", "{ drop: 'nothing' }", ErrorCode.NamespaceNotFound },
    };

    [Theory]
    [MemberData(nameof(BadWrites))]
    public async Task A_bad_write_is_refused_and_changes_nothing(string because, string command, ErrorCode expected)
    {
        var member = await SeededPrimaryAsync();
        var before = await SnapshotAsync(member);

        var reply = await SendAsync(member, "shop", command);

        Assert.True(ErrorOf(reply) == expected, $"{because}: expected {expected}, got {reply.Body}");
        Assert.Equal(before, await SnapshotAsync(member));
    }

    [Fact]
    public async Task A_document_over_16_MiB_is_refused_and_changes_nothing()
    {
        var member = await SeededPrimaryAsync();
        var before = await SnapshotAsync(member);
        var huge = new BsonDocument { { "_id", 3 }, { "blob", new string('x', 16 * 1024 * 1024) } };
        var command = new BsonDocument { { "insert", "items" }, { "documents", new BsonArray { huge } } };

        var reply = await member.Ask<CommandReply>(new CommandRequest("shop", command), TimeSpan.FromSeconds(30));

        Assert.Equal(ErrorCode.BsonObjectTooLarge, ErrorOf(reply));
        Assert.Equal(before, await SnapshotAsync(member));
    }

    private async Task<IActorRef> SeededPrimaryAsync()
    {
        var member = Sys.ActorOf(ReplicaMember.Props(Settings, NewStore()));
        await OkAsync(member, "admin", "{ replSetInitiate: null }");
        await AwaitPrimaryAsync(member);
        await OkAsync(member, "shop", Seed);
        await OkAsync(member, "shop", "{ createIndexes: 'items', indexes: [{ key: { sku: 1 }, unique: true }] }");
        return member;
    }

    /// <summary>The command's error: a command error, or the first write error of a write command.</summary>
    private static ErrorCode? ErrorOf(CommandReply reply)
    {
        if (!reply.Ok) return (ErrorCode)reply.Body["code"].ToInt32();
        return reply.Body.TryGetValue("writeErrors", out var errors) ? (ErrorCode)errors[0]["code"].ToInt32() : null;
    }

    /// <summary>Everything a user could see of the database: documents, indexes, collections.</summary>
    private static async Task<string> SnapshotAsync(IActorRef member)
    {
        var docs = await OkAsync(member, "shop", "{ find: 'items', sort: { _id: 1 } }");
        var indexes = await OkAsync(member, "shop", "{ listIndexes: 'items' }");
        var collections = await OkAsync(member, "shop", "{ listCollections: 1 }");
        return new BsonArray { docs["cursor"]["firstBatch"], indexes["cursor"]["firstBatch"], collections["cursor"]["firstBatch"] }.ToJson();
    }
}
