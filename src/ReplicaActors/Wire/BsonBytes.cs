using System.Buffers.Binary;
using System.Text;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;

namespace ReplicaActors.Wire;

/// <summary>Reading the pieces of a wire message from its bytes, refusing anything that does not add up.</summary>
internal static class BsonBytes
{
    private const int MinDocument = 5;

    public static int Int32(ReadOnlySpan<byte> bytes, ref int position, string what)
    {
        if (position + 4 > bytes.Length) throw new WireFormatException($"the message ends inside {what}");
        var value = BinaryPrimitives.ReadInt32LittleEndian(bytes[position..]);
        position += 4;
        return value;
    }

    public static string CString(ReadOnlySpan<byte> bytes, ref int position, string what)
    {
        var end = bytes[position..].IndexOf((byte)0);
        if (end < 0) throw new WireFormatException($"{what} has no terminating null byte");
        var value = Encoding.UTF8.GetString(bytes.Slice(position, end));
        position += end + 1;
        return value;
    }

    /// <summary>One BSON document at <paramref name="position"/>, whose length prefix must fit in <paramref name="limit"/>.</summary>
    public static BsonDocument Document(byte[] buffer, int offset, ref int position, int limit, string what)
    {
        var span = buffer.AsSpan(offset, limit);
        var length = Int32(span, ref position, what);
        position -= 4;
        if (length < MinDocument || position + length > limit)
            throw new WireFormatException($"{what} claims {length} bytes but {limit - position} remain");
        if (buffer[offset + position + length - 1] != 0)
            throw new WireFormatException($"{what} does not end with a null byte");
        try
        {
            using var stream = new MemoryStream(buffer, offset + position, length, writable: false);
            using var reader = new BsonBinaryReader(stream);
            var document = BsonSerializer.Deserialize<BsonDocument>(reader);
            if (stream.Position != length) throw new WireFormatException($"{what} has {length - stream.Position} bytes after its end");
            position += length;
            return document;
        }
        catch (Exception e) when (e is not (WireFormatException or OutOfMemoryException))
        {
            throw new WireFormatException($"{what} is not valid BSON: {e.Message}");
        }
    }
}
