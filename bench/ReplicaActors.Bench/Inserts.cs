using MongoDB.Bson;
using ReplicaActors.Client;
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

    /// <summary>How often the start and failover probes send one, and how long each may take.</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);
    private static readonly BsonDocument Majority = WriteConcern("majority");

    /// <summary>
    /// One w:majority probe insert; false when it failed or timed out (no primary yet, a dead one, an election in
    /// progress), so the caller's next probe tries again.
    /// </summary>
    public static async Task<bool> ProbeAsync(ReplicaSetClient client, string collection, int n)
    {
        using var timeout = new CancellationTokenSource(ProbeTimeout);
        try
        {
            return Acknowledged(await client.RunCommandAsync(Command(collection, 0, n, Majority), cancellationToken: timeout.Token));
        }
        catch (Exception e) when (e is ReplicaException or OperationCanceledException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>True when the insert was applied and its write concern satisfied.</summary>
    public static bool Acknowledged(CommandReply reply) =>
        reply.Ok && !reply.Body.Contains("writeErrors") && !reply.Body.Contains("writeConcernError");
}
