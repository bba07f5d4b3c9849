using MongoDB.Bson;
using ReplicaActors.Client;
using ReplicaActors.Protocol;

namespace ReplicaActors.Bench;

/// <summary>One command to one member, for probes that poll members which may be down or not yet up.</summary>
internal static class MemberCommand
{
    /// <returns>The reply's body, or null when the member did not answer or answered with an error.</returns>
    public static async Task<BsonDocument?> TryAsync(ICommandTransport transport, string host, string db, BsonDocument command, TimeSpan timeout)
    {
        try
        {
            var reply = await transport.SendAsync(host, new CommandRequest(db, command), timeout);
            return reply.Ok ? reply.Body : null;
        }
        catch (ReplicaException)
        {
            return null;
        }
    }
}
