using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Bench;

/// <summary>The 100-byte insert command every mode sends.</summary>
internal static class Inserts
{
    private static readonly string Payload = new('x', 60);

    public static BsonDocument Document(int client, int n) => new() { { "c", client }, { "n", n }, { "p", Payload } };

    public static CommandRequest Command(string collection, int client, int n, BsonDocument writeConcern) =>
        new("bench", new BsonDocument
        {
            { "insert", collection }, { "documents", new BsonArray { Document(client, n) } }, { "writeConcern", writeConcern },
        });

    public static BsonDocument WriteConcern(string w) => w == "majority" ? new BsonDocument("w", "majority") : new BsonDocument("w", int.Parse(w));

    /// <summary>True when the insert was applied and its write concern satisfied.</summary>
    public static bool Acknowledged(CommandReply reply) =>
        reply.Ok && !reply.Body.Contains("writeErrors") && !reply.Body.Contains("writeConcernError");
}
