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
        if (length < MinDocument || length > limit - position)
            throw new WireFormatException($"{what} claims {length} bytes but {limit - position} remain");
        if (buffer[offset + position + length - 1] != 0)
            throw new WireFormatException($"{what} does not end with a null byte");
        CheckDepth(buffer.AsSpan(offset + position, length), what);
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

    /// <summary>Nesting mongod accepts in a document (BSONDepth::kDefaultMaxAllowableDepth is 200 with its overhead).</summary>
    public const int MaxDepth = 180;

    /// <summary>
    /// Refuses documents nested deeper than <see cref="MaxDepth"/> before the recursive BSON reader sees them: a
    /// 48 MB message of nested documents would otherwise overflow the stack, which no catch survives. One pass,
    /// no recursion: each element is skipped by its type's size, and a nested document or array pushes a level.
    /// </summary>
    private static void CheckDepth(ReadOnlySpan<byte> document, string what)
    {
        var ends = new Stack<int>();
        var position = 4;
        ends.Push(document.Length - 1);
        while (ends.Count > 0)
        {
            if (position > ends.Peek()) throw new WireFormatException($"{what} is not valid BSON: a nested document overruns its parent");
            if (position == ends.Peek())
            {
                if (document[position] != 0) throw new WireFormatException($"{what} is not valid BSON: a document does not end with a null byte");
                ends.Pop();
                position++;
                continue;
            }
            var type = document[position++];
            var nameEnd = document[position..].IndexOf((byte)0);
            if (nameEnd < 0) throw new WireFormatException($"{what} is not valid BSON: an element name has no end");
            position += nameEnd + 1;
            if (type is 0x03 or 0x04)
            {
                var size = Int32(document, ref position, what);
                if (size < MinDocument || size > document.Length - (position - 4)) throw new WireFormatException($"{what} is not valid BSON: a nested document claims {size} bytes");
                if (ends.Count >= MaxDepth) throw new WireFormatException($"{what} is nested deeper than {MaxDepth} levels");
                ends.Push(position - 4 + size - 1);
                continue;
            }
            position += type switch
            {
                0x01 or 0x09 or 0x11 or 0x12 => 8,
                0x02 or 0x0D or 0x0E => StringSize(document, position, what),
                0x05 => 5 + Length(document, position, what),
                0x06 or 0x0A or 0x7F or 0xFF => 0,
                0x07 => 12,
                0x08 => 1,
                0x0B => CStrings(document, position, 2, what),
                0x0C => StringSize(document, position, what) + 12,
                0x0F => Length(document, position, what),
                0x10 => 4,
                0x13 => 16,
                _ => throw new WireFormatException($"{what} is not valid BSON: unknown element type 0x{type:x2}"),
            };
        }
    }

    private static int Length(ReadOnlySpan<byte> document, int position, string what)
    {
        var length = Int32(document, ref position, what);
        return length >= 0 && length <= document.Length - position ? length : throw new WireFormatException($"{what} is not valid BSON: an element claims {length} bytes");
    }

    private static int StringSize(ReadOnlySpan<byte> document, int position, string what) => 4 + Length(document, position, what);

    private static int CStrings(ReadOnlySpan<byte> document, int position, int count, string what)
    {
        var start = position;
        for (var i = 0; i < count; i++) CString(document, ref position, what);
        return position - start;
    }
}
