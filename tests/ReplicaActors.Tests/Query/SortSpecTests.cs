using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Storage.Query;

namespace ReplicaActors.Tests.Query;

public class SortSpecTests
{
    [Theory]
    [InlineData("{a: 1}", "[{_id: 1, a: 3}, {_id: 2, a: 1}, {_id: 3, a: 2}]", "2,3,1")]
    [InlineData("{a: -1}", "[{_id: 1, a: 3}, {_id: 2, a: 1}, {_id: 3, a: 2}]", "1,3,2")]
    [InlineData("{a: 1}", "[{_id: 1, a: 'x'}, {_id: 2, a: 5}, {_id: 3, a: null}, {_id: 4}]", "3,4,2,1")]
    [InlineData("{a: 1}", "[{_id: 1, a: 2.5}, {_id: 2, a: NumberLong(2)}, {_id: 3, a: 3}]", "2,1,3")]
    [InlineData("{a: 1}", "[{_id: 1, a: [5, 1]}, {_id: 2, a: 2}, {_id: 3, a: [3]}]", "1,2,3")]
    [InlineData("{a: -1}", "[{_id: 1, a: [5, 1]}, {_id: 2, a: 2}, {_id: 3, a: [3, 0]}]", "1,3,2")]
    [InlineData("{a: 1}", "[{_id: 1, a: null}, {_id: 2, a: []}, {_id: 3, a: {$minKey: 1}}]", "3,2,1")]
    [InlineData("{a: -1}", "[{_id: 1, a: null}, {_id: 2, a: []}, {_id: 3, a: 1}]", "3,1,2")]
    [InlineData("{'a.b': 1}", "[{_id: 1, a: {b: 2}}, {_id: 2, a: [{b: 3}, {b: 1}]}, {_id: 3}]", "3,2,1")]
    [InlineData("{'a.b': -1}", "[{_id: 1, a: {b: 2}}, {_id: 2, a: [{b: 3}, {b: 1}]}, {_id: 3}]", "2,1,3")]
    [InlineData("{a: 1, b: -1}", "[{_id: 1, a: 1, b: 1}, {_id: 2, a: 1, b: 2}, {_id: 3, a: 0, b: 0}]", "3,2,1")]
    [InlineData("{a: 1}", "[{_id: 1, a: 1}, {_id: 2, a: 1.0}, {_id: 3, a: 0}]", "3,1,2")]
    [InlineData("{}", "[{_id: 2}, {_id: 1}]", "2,1")]
    public void Sorts_documents(string sort, string documents, string expectedIds)
    {
        var docs = BsonDocument.Parse($"{{d: {documents}}}")["d"].AsBsonArray.Select(v => v.AsBsonDocument);

        var sorted = docs.OrderBy(d => d, SortSpec.Compile(BsonDocument.Parse(sort)));

        Assert.Equal(expectedIds, string.Join(",", sorted.Select(d => d["_id"].ToString())));
    }

    [Theory]
    [InlineData("{a: 0}", "a")]
    [InlineData("{a: 2}", "a")]
    [InlineData("{b: 'asc'}", "b")]
    [InlineData("{a: 1, c: true}", "c")]
    [InlineData("{'': 1}", "''")]
    public void Refuses_directions_other_than_one_and_minus_one(string sort, string named) =>
        Refusal.Expect(ErrorCode.BadValue, named, () => SortSpec.Compile(BsonDocument.Parse(sort)));
}
