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
    public void Refuses_dollar_names_and_bad_ids(string document, string named) =>
        Refusal.Expect(ErrorCode.BadValue, named, () => DocumentRules.ValidateForStorage(BsonDocument.Parse(document)));

    [Fact]
    public void Refuses_a_top_level_dollar_name() =>
        Refusal.Expect(ErrorCode.BadValue, "$set", () => DocumentRules.ValidateForStorage(new BsonDocument("$set", 1)));
}
