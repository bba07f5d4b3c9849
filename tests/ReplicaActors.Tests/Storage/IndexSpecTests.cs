using MongoDB.Bson;
using ReplicaActors.Storage;

namespace ReplicaActors.Tests.Storage;

public class IndexSpecTests
{
    [Theory]
    [InlineData("{ a: 1 }", "a_1")]
    [InlineData("{ a: 1, b: -1 }", "a_1_b_-1")]
    [InlineData("{ 'x.y': 1.0, z: 'hashed' }", "x.y_1_z_hashed")]
    public void Default_name_is_MongoDBs(string key, string expected) =>
        Assert.Equal(expected, IndexSpec.DefaultName(BsonDocument.Parse(key)));

    [Theory]
    [InlineData("{ a: 1 }", "[[1]]")]
    [InlineData("{ a: 1 }", "[[null]]", "{ b: 1 }")]
    [InlineData("{ a: 1, b: 1 }", "[[1, 'x'], [1, 'y']]", "{ a: 1, b: ['x', 'y', 'x'] }")]
    [InlineData("{ 'a.b': 1 }", "[[1], [2]]", "{ a: [{ b: 1 }, { b: 2 }, 5] }")]
    [InlineData("{ a: 1 }", "[[undefined]]", "{ a: [] }")]
    public void Keys_of_a_document(string pattern, string expectedKeys, string doc = "{ a: 1 }")
    {
        var keys = IndexKeyGenerator.KeysOf(BsonDocument.Parse(doc), BsonDocument.Parse(pattern));

        var expected = BsonDocument.Parse($"{{ k: {expectedKeys} }}")["k"].AsBsonArray.Select(k => k.AsBsonArray);
        Assert.Equal(expected, keys.Select(k => new BsonArray(k.Values)));
    }
}
