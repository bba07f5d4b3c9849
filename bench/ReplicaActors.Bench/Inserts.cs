using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Bench;

/// <summary>The 100-byte insert command every mode sends.</summary>
internal static class Inserts
{
    private static readonly string Payload = new('x', 60);

    public static CommandRequest Command(string collection, int client, int n, BsonDocument writeConcern)
    {
        var doc = new BsonDocument { { "c", client }, { "n", n }, { "p", Payload } };
        return new CommandRequest("bench", new BsonDocument
        {
            { "insert", collection }, { "documents", new BsonArray { doc } }, { "writeConcern", writeConcern },
        });
    }

    public static BsonDocument WriteConcern(string w) => w == "majority" ? new BsonDocument("w", "majority") : new BsonDocument("w", int.Parse(w));

    /// <summary>True when the insert was applied and its write concern satisfied.</summary>
    public static bool Acknowledged(CommandReply reply) =>
        reply.Ok && !reply.Body.Contains("writeErrors") && !reply.Body.Contains("writeConcernError");
}
