using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Storage.Query;

namespace ReplicaActors.Tests.Query;

public class ProjectionTests
{
    private const string Doc = "{_id: 1, a: 1, b: {c: 2, d: 3}, e: [{c: 4, d: 5}, 6, [{c: 7}]], f: 'x'}";

    [Theory]
    [InlineData("{}", Doc)]
    [InlineData("{a: 1}", "{_id: 1, a: 1}")]
    [InlineData("{a: true, f: 1}", "{_id: 1, a: 1, f: 'x'}")]
    [InlineData("{a: 1, _id: 0}", "{a: 1}")]
    [InlineData("{_id: 1}", "{_id: 1}")]
    [InlineData("{'b.c': 1}", "{_id: 1, b: {c: 2}}")]
    [InlineData("{'e.c': 1}", "{_id: 1, e: [{c: 4}, [{c: 7}]]}")]
    [InlineData("{'a.c': 1}", "{_id: 1}")]
    [InlineData("{'b.z': 1}", "{_id: 1, b: {}}")]
    [InlineData("{missing: 1}", "{_id: 1}")]
    [InlineData("{a: 0}", "{_id: 1, b: {c: 2, d: 3}, e: [{c: 4, d: 5}, 6, [{c: 7}]], f: 'x'}")]
    [InlineData("{_id: 0}", "{a: 1, b: {c: 2, d: 3}, e: [{c: 4, d: 5}, 6, [{c: 7}]], f: 'x'}")]
    [InlineData("{'b.c': 0, e: false, _id: 0}", "{a: 1, b: {d: 3}, f: 'x'}")]
    [InlineData("{'e.c': 0}", "{_id: 1, a: 1, b: {c: 2, d: 3}, e: [{d: 5}, 6, [{}]], f: 'x'}")]
    [InlineData("{a: 0, _id: 1}", "{_id: 1, b: {c: 2, d: 3}, e: [{c: 4, d: 5}, 6, [{c: 7}]], f: 'x'}")]
    public void Projects(string projection, string expected)
    {
        var original = BsonDocument.Parse(Doc);

        var projected = Projection.Compile(BsonDocument.Parse(projection)).Apply(original);

        Assert.Equal(BsonDocument.Parse(expected), projected);
        Assert.Equal(BsonDocument.Parse(Doc), original);
    }

    [Theory]
    [InlineData("{a: 1}", true)]
    [InlineData("{_id: 1}", true)]
    [InlineData("{a: 0}", false)]
    [InlineData("{_id: 0}", false)]
    [InlineData("{}", false)]
    public void Knows_its_kind(string projection, bool isInclusion) =>
        Assert.Equal(isInclusion, Projection.Compile(BsonDocument.Parse(projection)).IsInclusion);

    [Theory]
    [InlineData("{a: 1, b: 0}", "b")]
    [InlineData("{a: 0, b: 1}", "b")]
    [InlineData("{a: 1, 'a.b': 1}", "a.b")]
    [InlineData("{a: 'yes'}", "a")]
    [InlineData("{a: {$slice: 1}}", "a")]
    [InlineData("{'a.': 1}", "a.")]
    public void Refuses_malformed_projections(string projection, string named) =>
        Refusal.Expect(ErrorCode.BadValue, named, () => Projection.Compile(BsonDocument.Parse(projection)));
}
