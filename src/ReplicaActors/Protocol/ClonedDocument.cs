using System.Buffers.Binary;
using System.Runtime.Serialization;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;

namespace ReplicaActors.Protocol;

/// <summary>
/// One document as initial sync moves it: its canonical _id key and its BSON bytes, exactly as the source
/// stores them, so neither side parses or re-encodes a document on the way.
/// </summary>
public readonly record struct ClonedDocument(byte[] IdKey, byte[] Bson)
{
    public BsonDocument ToDocument() => BsonSerializer.Deserialize<BsonDocument>(Bson);

    /// <summary>
    /// The documents in one buffer for the wire: per document a little-endian int32 key length, the key, then
    /// the BSON document (which begins with its own length).
    /// </summary>
    public static byte[] Pack(IReadOnlyList<ClonedDocument> documents)
    {
        var size = 0;
        foreach (var doc in documents) size += 4 + doc.IdKey.Length + doc.Bson.Length;
        var packed = new byte[size];
        var at = 0;
        foreach (var doc in documents)
        {
            BinaryPrimitives.WriteInt32LittleEndian(packed.AsSpan(at), doc.IdKey.Length);
            doc.IdKey.CopyTo(packed, at + 4);
            at += 4 + doc.IdKey.Length;
            doc.Bson.CopyTo(packed, at);
            at += doc.Bson.Length;
        }
        return packed;
    }

    /// <summary>The documents <see cref="Pack"/> wrote; a truncated or inconsistent buffer is refused, naming the offset.</summary>
    public static IReadOnlyList<ClonedDocument> Unpack(byte[] packed)
    {
        var documents = new List<ClonedDocument>();
        var at = 0;
        while (at < packed.Length)
        {
            var key = Slice(packed, at, LengthAt(packed, at, "key"), 4);
            at += 4 + key.Length;
            var bson = Slice(packed, at, LengthAt(packed, at, "document"), 0);
            if (bson.Length < 5) throw Malformed(at, $"a BSON document of {bson.Length} bytes");
            at += bson.Length;
            documents.Add(new ClonedDocument(key, bson));
        }
        return documents;
    }

    private static int LengthAt(byte[] packed, int at, string what) =>
        at + 4 <= packed.Length ? BinaryPrimitives.ReadInt32LittleEndian(packed.AsSpan(at)) : throw Malformed(at, $"no room for a {what} length");

    /// <summary><paramref name="length"/> bytes from <paramref name="at"/> + <paramref name="skip"/>, which must lie inside the buffer.</summary>
    private static byte[] Slice(byte[] packed, int at, int length, int skip)
    {
        if (length < 0 || at + skip + length > packed.Length) throw Malformed(at, $"a length of {length} past the end ({packed.Length} bytes)");
        return packed.AsSpan(at + skip, length).ToArray();
    }

    private static SerializationException Malformed(int at, string what) => new($"malformed cloned-document batch at byte {at}: {what}");
}
