using System.Buffers.Binary;
using MongoDB.Bson;

namespace ReplicaActors.Wire;

/// <summary>What a hello reply needs beyond the member's own view: this server's limits, the connection and the topology version.</summary>
public sealed record HelloContext(int MaxMessageBytes, int LogicalSessionTimeoutMinutes, int ConnectionId, DateTime Now, BsonDocument? TopologyVersion = null);

/// <summary>
/// The <c>hello</c> / <c>isMaster</c> reply drivers classify a member by (the SDAM spec's state table), built
/// from the member's own hello: its state flags, config lists and last write, and the wire layer's
/// <c>topologyVersion</c> (given only where streaming hello is served: the Node driver breaks on one without it).
/// </summary>
public static class HelloDocument
{
    public const int MinWireVersion = 0;

    /// <summary>6.0: at least 9 for current drivers, and 17 makes drivers order primaries by electionId first.</summary>
    public const int MaxWireVersion = 17;

    public const int MaxBsonObjectSize = 16 * 1024 * 1024;
    public const int MaxWriteBatchSize = 100_000;

    /// <summary>Fields the member's hello carries that the wire reply reshapes or replaces.</summary>
    private static readonly HashSet<string> Reshaped =
        ["ok", "isWritablePrimary", "electionTerm", "lastWrite", "localTime", "maxBsonObjectSize", "maxWriteBatchSize"];

    public static bool IsHello(string commandName) => commandName is "hello" or "isMaster" or "ismaster";

    public static BsonDocument Build(BsonDocument member, BsonDocument request, HelloContext context)
    {
        var legacy = request.ElementCount > 0 && request.GetElement(0).Name is "isMaster" or "ismaster";
        var writable = member.GetValue("isWritablePrimary", false).ToBoolean();
        var reply = new BsonDocument { { legacy ? "ismaster" : "isWritablePrimary", writable } };
        if (request.GetValue("helloOk", false).ToBoolean()) reply.Add("helloOk", true);
        foreach (var element in member)
            if (!Reshaped.Contains(element.Name)) reply[element.Name] = element.Value;
        if (reply.TryGetValue("setVersion", out var version) && version.IsNumeric) reply["setVersion"] = version.ToInt32();
        if (member.TryGetValue("me", out var me) && member.TryGetValue("passives", out var passives) && passives.IsBsonArray && passives.AsBsonArray.Contains(me))
            reply["passive"] = true;
        if (member.TryGetValue("electionTerm", out var term) && term.IsNumeric) reply["electionId"] = ElectionId(term.ToInt64());
        if (member.TryGetValue("lastWrite", out var lastWrite) && lastWrite is BsonDocument written) reply["lastWrite"] = LastWrite(written);
        reply.Add("maxBsonObjectSize", MaxBsonObjectSize);
        reply.Add("maxMessageSizeBytes", context.MaxMessageBytes);
        reply.Add("maxWriteBatchSize", MaxWriteBatchSize);
        reply.Add("localTime", new BsonDateTime(context.Now));
        reply.Add("logicalSessionTimeoutMinutes", context.LogicalSessionTimeoutMinutes);
        reply.Add("connectionId", context.ConnectionId);
        reply.Add("minWireVersion", MinWireVersion);
        reply.Add("maxWireVersion", MaxWireVersion);
        reply.Add("readOnly", false);
        if (context.TopologyVersion is { } topologyVersion) reply.Add("topologyVersion", topologyVersion);
        reply.Add("ok", 1.0);
        return reply;
    }

    /// <summary>mongod's electionId: 0x7fffffff, then the term as a big-endian int64 (term 1 is 7fffffff0000000000000001).</summary>
    public static ObjectId ElectionId(long term)
    {
        var bytes = new byte[12];
        BinaryPrimitives.WriteInt32BigEndian(bytes, int.MaxValue);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(4), term);
        return new ObjectId(bytes);
    }

    /// <summary>mongod writes the dates of lastWrite in whole seconds; drivers read them for maxStalenessSeconds.</summary>
    private static BsonDocument LastWrite(BsonDocument written)
    {
        var result = new BsonDocument(written);
        foreach (var name in new[] { "lastWriteDate", "majorityWriteDate" })
            if (result.TryGetValue(name, out var date) && date is BsonDateTime exact)
                result[name] = new BsonDateTime(exact.MillisecondsSinceEpoch / 1000 * 1000);
        return result;
    }
}
