using MongoDB.Bson;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.OplogTests;

/// <summary>The computed BSON size is the encoded size, byte for byte, for every type an entry can hold.</summary>
public class BsonSizeTests
{
    private static readonly OpTime Time = new(new Timestamp(1_700_000_000, 3), 2);

    public static TheoryData<string> Documents => new()
    {
        "{}",
        "{ _id: 1, name: 'widget', price: 9.5, big: NumberLong(5000000000), ok: true, none: null }",
        "{ _id: ObjectId('65f000000000000000000001'), at: ISODate('2024-01-01T00:00:00Z'), d: NumberDecimal('1.25') }",
        "{ nested: { a: { b: [1, 2, { c: 'é ü 中文' }] } }, list: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 'ключ': 'значение' }",
        "{ re: /ab+c/i, bin: BinData(0, 'AQIDBA=='), ts: Timestamp(5, 6), min: MinKey, max: MaxKey, js: { $code: 'x + 1' }, scoped: { $code: 'x + y', $scope: { y: 2 } } }",
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void A_document_s_size_is_its_encoded_length(string json)
    {
        var document = BsonDocument.Parse(json);

        Assert.Equal(document.ToBson().Length, BsonSize.Of(document));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void An_entry_s_size_is_its_encoded_length(string json)
    {
        var plain = new OplogEntry(Time, 1_700_000_000_123, OpType.Insert, "shop.items", BsonDocument.Parse(json), null);
        var full = plain with
        {
            Op = OpType.Update, O2 = "key-1", WriteId = ObjectId.Parse("65f000000000000000000002"),
            Reply = new BsonDocument { { "lastErrorObject", new BsonDocument("n", 1) }, { "value", BsonDocument.Parse(json) } },
        };

        Assert.Equal(plain.ToBson().ToBson().Length, BsonSize.Of(plain));
        Assert.Equal(full.ToBson().ToBson().Length, BsonSize.Of(full));
    }

    [Fact]
    public void A_long_array_counts_its_index_names()
    {
        var document = new BsonDocument("a", new BsonArray(Enumerable.Range(0, 1234)));

        Assert.Equal(document.ToBson().Length, BsonSize.Of(document));
    }
}
