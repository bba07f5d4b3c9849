using MongoDB.Bson;
using ReplicaActors.Consensus;
using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.Consensus;

public class WriteConcernParsingTests
{
    public static TheoryData<BsonDocument, WriteConcern> Parsed => new()
    {
        { new BsonDocument(), new WriteConcern(null) },
        { new BsonDocument("w", 0), WriteConcern.Unacknowledged },
        { new BsonDocument("w", 2.0), new WriteConcern(new WriteConcernW.Nodes(2)) },
        { new BsonDocument("w", "majority"), WriteConcern.Majority },
        { new BsonDocument("w", "twoDCs"), new WriteConcern(new WriteConcernW.Tagged("twoDCs")) },
        { new BsonDocument { { "w", 1 }, { "j", true }, { "wtimeout", 500 } }, new WriteConcern(new WriteConcernW.Nodes(1), true, 500) },
        { new BsonDocument { { "j", 1 } }, new WriteConcern(null, true) },
        { new BsonDocument { { "fsync", true } }, new WriteConcern(null, true) },
        { new BsonDocument { { "w", "majority" }, { "provenance", "clientSupplied" } }, WriteConcern.Majority },
    };

    [Theory]
    [MemberData(nameof(Parsed))]
    public void Write_concern_documents_parse(BsonDocument document, WriteConcern expected)
    {
        Assert.Equal(expected, WriteConcern.FromBson(document));
    }

    public static TheoryData<BsonDocument, ErrorCode, string> Refused => new()
    {
        { new BsonDocument("w", -1), ErrorCode.FailedToParse, "w must be between 0 and 50, got -1" },
        { new BsonDocument("w", 1.5), ErrorCode.TypeMismatch, "field 'w' must be an integer" },
        { new BsonDocument("w", ""), ErrorCode.FailedToParse, "w must not be an empty string" },
        { new BsonDocument("w", true), ErrorCode.FailedToParse, "w must be a number or a string" },
        { new BsonDocument("j", "yes"), ErrorCode.TypeMismatch, "field 'j' must be a boolean" },
        { new BsonDocument("wtimeout", -5), ErrorCode.FailedToParse, "wtimeout must be 0 or more" },
        { new BsonDocument("wtimeout", "soon"), ErrorCode.TypeMismatch, "field 'wtimeout' must be an integer" },
        { new BsonDocument("wait", 1), ErrorCode.FailedToParse, "writeConcern: unknown field 'wait'" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Malformed_write_concerns_are_refused_naming_the_field(BsonDocument document, ErrorCode code, string expected)
    {
        var e = Assert.Throws<ReplicaException>(() => WriteConcern.FromBson(document));

        Assert.Equal(code, e.Code);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_write_concern_round_trips()
    {
        var wc = new WriteConcern(new WriteConcernW.Tagged("dc"), false, 250);

        Assert.Equal(wc, WriteConcern.FromBson(wc.ToBson()));
        Assert.Equal(WriteConcern.Majority with { WTimeoutMillis = 0 }, WriteConcern.FromBson(WriteConcern.Majority.ToBson()));
    }

    [Theory]
    [InlineData(0, null, false)]
    [InlineData(0, true, true)]
    [InlineData(1, null, true)]
    public void Only_w_0_without_j_goes_unacknowledged(int w, bool? j, bool acknowledged)
    {
        Assert.Equal(acknowledged, new WriteConcern(new WriteConcernW.Nodes(w), j).IsAcknowledged);
    }
}
