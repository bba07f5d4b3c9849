using System.Runtime.Serialization;
using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Storage;

namespace ReplicaActors.Tests.Storage;

/// <summary>The raw form initial sync moves documents in: packed into one buffer on the source, unpacked byte for byte on the target.</summary>
public class ClonedDocumentTests
{
    private static readonly ClonedDocument[] Documents =
    [
        KeyEncoder.Clone(BsonDocument.Parse("{ _id: 1, code: 'a' }")),
        KeyEncoder.Clone(new BsonDocument { { "_id", ObjectId.Parse("65f000000000000000000001") }, { "when", new BsonDateTime(1_700_000_000_000) } }),
        KeyEncoder.Clone(new BsonDocument { { "_id", "x" }, { "pad", new string('p', 3000) }, { "n", new BsonDecimal128(1.5m) } }),
    ];

    [Fact]
    public void A_packed_batch_unpacks_to_the_same_keys_and_bytes_in_order()
    {
        var back = ClonedDocument.Unpack(ClonedDocument.Pack(Documents));

        Assert.Equal(Documents.Select(d => (d.IdKey, d.Bson)), back.Select(d => (d.IdKey, d.Bson)));
        Assert.Equal(Documents.Select(d => d.ToDocument()), back.Select(d => d.ToDocument()));
    }

    [Fact]
    public void The_key_is_the_canonical_id_key_and_the_bytes_the_stored_bson()
    {
        var doc = BsonDocument.Parse("{ _id: 2, a: [1, 2] }");

        var cloned = KeyEncoder.Clone(doc);

        Assert.Equal(KeyEncoder.Encode(new BsonInt64(2)), cloned.IdKey);
        Assert.Equal(doc.ToBson(), cloned.Bson);
    }

    [Fact]
    public void An_empty_batch_packs_to_nothing_and_back()
    {
        Assert.Empty(ClonedDocument.Pack([]));
        Assert.Empty(ClonedDocument.Unpack([]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(30)]
    public void A_truncated_batch_is_refused_naming_the_offset(int cut)
    {
        var packed = ClonedDocument.Pack(Documents);

        var error = Assert.Throws<SerializationException>(() => ClonedDocument.Unpack(packed[..^cut]));

        Assert.Contains("malformed cloned-document batch at byte", error.Message);
    }

    [Fact]
    public void A_negative_length_is_refused()
    {
        var packed = ClonedDocument.Pack(Documents[..1]);
        packed[3] = 0x80;

        var error = Assert.Throws<SerializationException>(() => ClonedDocument.Unpack(packed));

        Assert.Contains("at byte 0", error.Message);
    }
}
