using MongoDB.Bson;
using ReplicaActors.Storage;

namespace ReplicaActors.Tests.Storage;

public class KeyEncoderTests
{
    public static TheoryData<BsonValue, BsonValue> EqualByMongoDb => new()
    {
        { 1, 1L },
        { 1, 1.0 },
        { 1L, new BsonDecimal128(Decimal128.Parse("1.00")) },
        { 0.5, new BsonDecimal128(Decimal128.Parse("0.5")) },
        { -0.0, 0 },
        { 1e20, new BsonDecimal128(Decimal128.Parse("1E+20")) },
        { double.NaN, new BsonDecimal128(Decimal128.QNaN) },
        { "abc", (BsonSymbol)"abc" },
        { new BsonDocument("a", 1), new BsonDocument("a", 1.0) },
        { new BsonArray { 1, "x", new BsonDocument("b", 2L) }, new BsonArray { 1.0, "x", new BsonDocument("b", 2) } },
        { ObjectId.Parse("65a000000000000000000001"), ObjectId.Parse("65a000000000000000000001") },
    };

    public static TheoryData<BsonValue, BsonValue> DifferentByMongoDb => new()
    {
        { 1, 2 },
        { 1, "1" },
        { 0.1, new BsonDecimal128(Decimal128.Parse("0.1")) },
        { long.MaxValue, (double)long.MaxValue },
        { BsonNull.Value, BsonUndefined.Value },
        { new BsonDocument { { "a", 1 }, { "b", 2 } }, new BsonDocument { { "b", 2 }, { "a", 1 } } },
        { new BsonArray { 1, 2 }, new BsonArray { 2, 1 } },
        { new BsonArray { "ab" }, new BsonArray { "a", "b" } },
        { new BsonDocument("a", "bc"), new BsonDocument("ab", "c") },
        { true, 1 },
        { ObjectId.Parse("65a000000000000000000001"), ObjectId.Parse("65a000000000000000000002") },
    };

    [Theory]
    [MemberData(nameof(EqualByMongoDb))]
    public void Values_MongoDB_considers_equal_encode_alike(BsonValue a, BsonValue b) =>
        Assert.Equal(KeyEncoder.Encode(a), KeyEncoder.Encode(b));

    [Theory]
    [MemberData(nameof(DifferentByMongoDb))]
    public void Values_MongoDB_considers_different_encode_differently(BsonValue a, BsonValue b) =>
        Assert.NotEqual(KeyEncoder.Encode(a), KeyEncoder.Encode(b));
}
