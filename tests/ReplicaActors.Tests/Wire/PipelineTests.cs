using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Wire;

namespace ReplicaActors.Tests.Wire;

public sealed class PipelineTests
{
    private static Pipeline Plan(string stages) => Pipeline.Plan(BsonSerializerArray(stages));

    private static BsonArray BsonSerializerArray(string json) => BsonDocument.Parse($"{{ p: {json} }}")["p"].AsBsonArray;

    private static readonly List<BsonDocument> Orders =
    [
        BsonDocument.Parse("{ _id: 1, sku: 'a', qty: 2, tags: ['x', 'y'] }"),
        BsonDocument.Parse("{ _id: 2, sku: 'b', qty: 5, tags: [] }"),
        BsonDocument.Parse("{ _id: 3, sku: 'a', qty: 1.5, tags: ['y'] }"),
    ];

    [Theory]
    [InlineData("[{ $match: { a: 1 } }, { $group: { _id: 1, n: { $sum: 1 } } }]", "{ filter: { a: 1 } }", "n")]
    [InlineData("[{ $match: {} }, { $skip: 5 }, { $limit: 10 }, { $group: { _id: 1, n: { $sum: 1 } } }]", "{ filter: {}, skip: 5, limit: 10 }", "n")]
    [InlineData("[{ $match: { a: 1 } }, { $count: 'total' }]", "{ filter: { a: 1 } }", "total")]
    [InlineData("[{ $match: { a: 1 } }, { $sort: { b: 1 } }, { $limit: 3 }, { $project: { b: 1 } }]", "{ filter: { a: 1 }, sort: { b: 1 }, limit: 3, projection: { b: 1 } }", null)]
    [InlineData("[{ $group: { _id: '$sku', n: { $sum: 1 } } }]", "{}", null)]
    public void Leading_stages_become_one_find_or_a_count_on_the_member(string stages, string find, string? countField)
    {
        var pipeline = Plan(stages);

        Assert.Equal(BsonDocument.Parse(find), pipeline.Find);
        Assert.Equal(countField, pipeline.CountField);
    }

    [Fact]
    public void Count_results_are_one_document_or_none()
    {
        var pipeline = Plan("[{ $match: {} }, { $group: { _id: 1, n: { $sum: 1 } } }]");

        Assert.Equal([BsonDocument.Parse("{ _id: 1, n: 7 }")], pipeline.CountResult(7));
        Assert.Empty(pipeline.CountResult(0));
    }

    [Fact]
    public void Group_sums_averages_and_collects_per_key_then_sorts()
    {
        var pipeline = Plan("""
            [{ $group: { _id: '$sku', total: { $sum: '$qty' }, avg: { $avg: '$qty' }, n: { $sum: 1 }, ids: { $push: '$_id' }, top: { $max: '$qty' }, first: { $first: '$_id' } } },
             { $sort: { _id: -1 } }]
            """);

        var result = pipeline.Run(Orders);

        Assert.Equal(
            [
                BsonDocument.Parse("{ _id: 'b', total: 5, avg: 5.0, n: 1, ids: [2], top: 5, first: 2 }"),
                BsonDocument.Parse("{ _id: 'a', total: 3.5, avg: 1.75, n: 2, ids: [1, 3], top: 2, first: 1 }"),
            ], result);
    }

    [Fact]
    public void Unwind_project_skip_limit_and_count_run_in_order()
    {
        var pipeline = Plan("[{ $match: {} }, { $unwind: '$tags' }, { $project: { _id: 0, tag: '$tags', sku: 1 } }, { $skip: 1 }, { $limit: 5 }]");

        var result = pipeline.Run(Orders);

        Assert.Equal([BsonDocument.Parse("{ tag: 'y', sku: 'a' }"), BsonDocument.Parse("{ tag: 'y', sku: 'a' }")], result);
        Assert.Equal([new BsonDocument("n", 3)], Plan("[{ $unwind: '$tags' }, { $count: 'n' }]").Run(Orders));
    }

    [Theory]
    [InlineData("[{ $lookup: { from: 'x' } }]", ErrorCode.Location40324)]
    [InlineData("[{ $group: { _id: 1 } }, { $match: { a: 1 } }]", ErrorCode.Location40324)]
    [InlineData("[{ $match: {} }, { $changeStream: {} }]", ErrorCode.Location40324)]
    [InlineData("[{ $match: {}, $sort: {} }]", ErrorCode.TypeMismatch)]
    public void Unsupported_stages_are_refused_with_a_clear_error(string stages, ErrorCode code) =>
        Assert.Equal(code, Assert.Throws<ReplicaException>(() => Plan(stages)).Code);
}
