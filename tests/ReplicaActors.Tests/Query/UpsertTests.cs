using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Storage.Query;

namespace ReplicaActors.Tests.Query;

public class UpsertTests
{
    [Theory]
    [InlineData("{_id: 7}", "{$set: {a: 1}}", "{_id: 7, a: 1}")]
    [InlineData("{a: 1, _id: 7}", "{$set: {b: 2}}", "{_id: 7, a: 1, b: 2}")]
    [InlineData("{a: 1, b: {$gt: 2}}", "{$inc: {a: 1}}", "{a: 2}")]
    [InlineData("{'x.y': 'k'}", "{$set: {z: 1}}", "{x: {y: 'k'}, z: 1}")]
    [InlineData("{$and: [{a: 1}, {b: /r/}], c: {$eq: 3}}", "{$setOnInsert: {d: 4}}", "{a: 1, c: 3, d: 4}")]
    [InlineData("{_id: 7}", "{$setOnInsert: {created: true}, $currentDate: {at: true}}", "{_id: 7, at: ISODate('2024-05-01T12:00:00Z'), created: true}")]
    [InlineData("{a: 1}", "{$set: {_id: 'new'}}", "{_id: 'new', a: 1}")]
    [InlineData("{_id: 7, a: 1}", "{b: 2}", "{_id: 7, b: 2}")]
    [InlineData("{a: 1}", "{b: 2}", "{b: 2}")]
    [InlineData("{_id: 7}", "{b: 2, _id: 7}", "{_id: 7, b: 2}")]
    public void Builds_the_inserted_document_from_filter_and_update(string filter, string update, string expected)
    {
        var result = Update.Compile(BsonDocument.Parse(update)).ApplyUpsert(Filter.Compile(BsonDocument.Parse(filter)), UpdateApplyTests.Now);

        Assert.Equal(BsonDocument.Parse(expected).ToJson(), result.ToJson());
    }

    [Theory]
    [InlineData("{_id: 7}", "{$set: {_id: 8}}")]
    [InlineData("{_id: 7}", "{_id: 8, b: 1}")]
    public void Refuses_to_change_the_id_the_filter_pins(string filter, string update)
    {
        var compiled = Update.Compile(BsonDocument.Parse(update));

        var error = Assert.Throws<ReplicaException>(() => compiled.ApplyUpsert(Filter.Compile(BsonDocument.Parse(filter)), UpdateApplyTests.Now));

        Assert.Equal(ErrorCode.ImmutableField, error.Code);
    }
}
