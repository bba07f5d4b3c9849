using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Storage.Query;

namespace ReplicaActors.Tests.Query;

public class DocumentRulesTests
{
    [Theory]
    [InlineData("{_id: 1, a: {b: [1, {c: 2}]}}")]
    [InlineData("{_id: {x: 1}, 'a.b': 1, 'c$': 2}")]
    [InlineData("{a: 1}")]
    [InlineData("{_id: null}")]
    public void Accepts_storable_documents(string document) =>
        DocumentRules.ValidateForStorage(BsonDocument.Parse(document));

    [Theory]
    [InlineData("{a: {$b: 1}}", "a.$b")]
    [InlineData("{a: [1, {$c: 1}]}", "a.1.$c")]
    [InlineData("{_id: [1, 2]}", "_id")]
    [InlineData("{_id: /x/}", "_id")]
    public void Refuses_dollar_names_and_bad_ids(string document, string named)
    {
        var error = Assert.Throws<ReplicaException>(() => DocumentRules.ValidateForStorage(BsonDocument.Parse(document)));

        Assert.Equal(ErrorCode.BadValue, error.Code);
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void Refuses_a_top_level_dollar_name()
    {
        var error = Assert.Throws<ReplicaException>(() => DocumentRules.ValidateForStorage(new BsonDocument("$set", 1)));

        Assert.Equal(ErrorCode.BadValue, error.Code);
        Assert.Contains("$set", error.Message);
    }
}
