using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Security;

namespace ReplicaActors.Wire;

/// <summary>
/// Users as data on admin (<see cref="Admission.UsersCollection"/>, in mongod's <c>system.users</c> shape), read and written through the member like any collection, so they
/// replicate and survive failover. Reads are this member's own copy (read preference nearest), as mongod reads its users.
/// </summary>
public sealed class UserStore(MemberChannel member)
{
    public static readonly string Collection = Admission.UsersCollection;

    private static readonly BsonDocument Local = new("mode", "nearest");

    public static string Id(string db, string user) => $"{db}.{user}";

    public async Task<StoredUser?> FindAsync(string db, string user, CancellationToken cancellationToken) =>
        (await FindAsync(new BsonDocument("_id", Id(db, user)), 1, cancellationToken).ConfigureAwait(false)).Select(Parse).FirstOrDefault();

    public async Task<bool> AnyAsync(CancellationToken cancellationToken) =>
        (await FindAsync(new BsonDocument(), 1, cancellationToken).ConfigureAwait(false)).Count > 0;

    public async Task<IReadOnlyList<BsonDocument>> FindAsync(BsonDocument filter, int limit, CancellationToken cancellationToken)
    {
        var find = new BsonDocument { { "find", Collection }, { "filter", filter }, { "sort", new BsonDocument("_id", 1) }, { "$readPreference", Local } };
        if (limit > 0) find["limit"] = limit;
        var reply = new CommandReply(await member.AskForItselfAsync("admin", find, cancellationToken).ConfigureAwait(false)).EnsureOk();
        return reply["cursor"]["firstBatch"].AsBsonArray.Select(d => d.AsBsonDocument).ToList();
    }

    /// <summary>Runs a write on the users' collection and returns how many documents it matched.</summary>
    public async Task<long> WriteAsync(BsonDocument write, BsonValue writeConcern, CancellationToken cancellationToken)
    {
        write["writeConcern"] = writeConcern;
        var reply = await member.RunAsync("admin", write, cancellationToken).ConfigureAwait(false);
        if (reply.GetValue("writeErrors", BsonNull.Value) is BsonArray { Count: > 0 } errors)
        {
            var error = errors[0].AsBsonDocument;
            throw new ReplicaException((ErrorCode)error["code"].ToInt32(), error.GetValue("errmsg", "the write failed").AsString);
        }
        if (reply.GetValue("writeConcernError", BsonNull.Value) is BsonDocument concern)
            throw new ReplicaException((ErrorCode)concern["code"].ToInt32(), concern.GetValue("errmsg", "the write concern failed").AsString);
        return reply.GetValue("n", 0).ToInt64();
    }

    /// <exception cref="FormatException">The document is not shaped as a user.</exception>
    public static StoredUser Parse(BsonDocument document)
    {
        try
        {
            var db = document["db"].AsString;
            var credential = document.GetValue("credentials", BsonNull.Value) is BsonDocument credentials
                             && credentials.GetValue(ScramCredential.Mechanism, BsonNull.Value) is BsonDocument scram
                ? ScramCredential.FromBson(scram)
                : null;
            return new StoredUser(document["user"].AsString, db, RoleGrant.Parse(document["roles"], db), credential);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidCastException or ArgumentException or ReplicaException)
        {
            throw new FormatException($"the user document '{document.GetValue("_id", "")}' in admin.{Collection} is malformed: {e.Message}", e);
        }
    }
}
