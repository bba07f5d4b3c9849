using System.Buffers.Binary;
using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Wire;

/// <summary>Where a change stream resumes, relative to the oplog entry a token names.</summary>
public enum ResumeTokenKind : byte
{
    /// <summary>After everything the entry produced: the stream goes on with the next entry.</summary>
    After = 0,
    /// <summary>A drop or dropDatabase event that ends this stream: resuming yields its invalidate next.</summary>
    Invalidating = 1,
    /// <summary>An invalidate event: only <c>startAfter</c> may resume from it, with the entry that follows.</summary>
    Invalidate = 2,
    /// <summary>Not yet positioned on an entry: the first entry at or after the token's timestamp (<c>startAtOperationTime</c>).</summary>
    StartAt = 3,
}

/// <summary>
/// A change stream's resume token, <c>{ _data: hex }</c> as MongoDB spells it (drivers keep it opaque): a version
/// byte, the kind, and the entry's OpTime (timestamp, then term), big-endian, so any member holding the entry can
/// find it again. Each oplog entry is one change here, so the OpTime is the whole position.
/// </summary>
public sealed record ResumeToken(ResumeTokenKind Kind, OpTime OpTime)
{
    private const byte Version = 1;
    private const int Length = 18;

    public BsonDocument ToBson()
    {
        var bytes = new byte[Length];
        bytes[0] = Version;
        bytes[1] = (byte)Kind;
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(2), OpTime.Ts.Packed);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(10), OpTime.Term);
        return new BsonDocument("_data", Convert.ToHexString(bytes));
    }

    /// <summary>Reads a token a client sent back; anything this server did not hand out is <see cref="ErrorCode.InvalidResumeToken"/>.</summary>
    public static ResumeToken Parse(BsonValue value, string field)
    {
        if (value is not BsonDocument { ElementCount: 1 } document || !document.TryGetValue("_data", out var data) || !data.IsString)
            throw Invalid(field, $"it must be a resume token this server handed out, {{ _data: <hex string> }}, not {value}");
        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(data.AsString);
        }
        catch (FormatException)
        {
            throw Invalid(field, $"_data '{data.AsString}' is not a hex string");
        }
        if (bytes.Length != Length || bytes[0] != Version || bytes[1] > (byte)ResumeTokenKind.StartAt)
            throw Invalid(field, $"_data '{data.AsString}' is not a resume token this server handed out");
        var ts = Timestamp.FromPacked(BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(2)));
        return new ResumeToken((ResumeTokenKind)bytes[1], new OpTime(ts, BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(10))));
    }

    private static ReplicaException Invalid(string field, string why) =>
        new(ErrorCode.InvalidResumeToken, $"$changeStream {field}: {why}");
}
