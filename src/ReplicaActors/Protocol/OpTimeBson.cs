using MongoDB.Bson;

namespace ReplicaActors.Protocol;

/// <summary>OpTimes as MongoDB shows them in commands and status: <c>{ ts: Timestamp(s, i), t: term }</c>.</summary>
public static class OpTimeBson
{
    public static BsonDocument ToBson(this OpTime opTime) => new()
    {
        { "ts", new BsonTimestamp((int)opTime.Ts.Seconds, (int)opTime.Ts.Increment) },
        { "t", opTime.Term },
    };

    public static OpTime FromBson(BsonDocument doc)
    {
        var ts = doc["ts"].AsBsonTimestamp;
        return new OpTime(new Timestamp((uint)ts.Timestamp, (uint)ts.Increment), doc["t"].ToInt64());
    }
}
