using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Storage.Query;

namespace ReplicaActors.Tests.Query;

public class FilterCompileTests
{
    [Theory]
    [InlineData("{a: {$foo: 1}}", "$foo")]
    [InlineData("{$foo: [{a: 1}]}", "$foo")]
    [InlineData("{$not: {a: 1}}", "$not")]
    [InlineData("{a: {$in: 1}}", "$in")]
    [InlineData("{a: {$nin: {b: 1}}}", "$nin")]
    [InlineData("{a: {$in: [{$gt: 1}]}}", "$in")]
    [InlineData("{$and: []}", "$and")]
    [InlineData("{$and: {a: 1}}", "$and")]
    [InlineData("{$or: [1]}", "$or")]
    [InlineData("{$nor: [{a: 1}, 'x']}", "$nor")]
    [InlineData("{a: {$size: -1}}", "$size")]
    [InlineData("{a: {$size: 1.5}}", "$size")]
    [InlineData("{a: {$size: '2'}}", "$size")]
    [InlineData("{a: {$not: 5}}", "$not")]
    [InlineData("{a: {$not: {}}}", "$not")]
    [InlineData("{a: {$elemMatch: 1}}", "$elemMatch")]
    [InlineData("{a: {$elemMatch: {b: {$bad: 1}}}}", "$bad")]
    [InlineData("{a: {$all: 1}}", "$all")]
    [InlineData("{a: {$type: 'text'}}", "$type")]
    [InlineData("{a: {$type: 42}}", "$type")]
    [InlineData("{a: {$type: []}}", "$type")]
    [InlineData("{a: /(/}", "regex")]
    [InlineData("{a: {$in: [/[/]}}", "$in")]
    [InlineData("{'a..b': 1}", "a..b")]
    [InlineData("{$or: [{a: {$gt: 1, $bogus: 2}}]}", "$bogus")]
    public void Malformed_filters_are_refused_at_compile_time(string filter, string named) =>
        Refusal.Expect(ErrorCode.BadValue, named, () => Filter.Compile(BsonDocument.Parse(filter)));

    public static TheoryData<BsonDocument, string> MalformedRegexOperators() => new()
    {
        { new BsonDocument("a", new BsonDocument("$options", "i")), "$options" },
        { new BsonDocument("a", new BsonDocument { { "$regex", "x" }, { "$options", "q" } }), "$regex" },
        { new BsonDocument("a", new BsonDocument("$regex", "(")), "$regex" },
        { new BsonDocument("a", new BsonDocument("$regex", 5)), "$regex" },
        { new BsonDocument("a", new BsonDocument { { "$regex", new BsonRegularExpression("x", "i") }, { "$options", "m" } }), "$regex" },
    };

    [Theory]
    [MemberData(nameof(MalformedRegexOperators))]
    public void Malformed_regex_operators_are_refused(BsonDocument filter, string named) =>
        Refusal.Expect(ErrorCode.BadValue, named, () => Filter.Compile(filter));

    [Theory]
    [InlineData("{_id: 5}", "5")]
    [InlineData("{_id: 'k', a: {$gt: 1}}", "'k'")]
    [InlineData("{_id: {$eq: {x: 1}}}", "{x: 1}")]
    [InlineData("{_id: {$in: [7]}}", "7")]
    [InlineData("{$and: [{a: 1}, {_id: 3}]}", "3")]
    public void Id_equality_is_found_when_the_filter_pins_the_id(string filter, string id) =>
        Assert.Equal(BsonDocument.Parse($"{{v: {id}}}")["v"], Filter.Compile(BsonDocument.Parse(filter)).IdEquality);

    [Theory]
    [InlineData("{}")]
    [InlineData("{a: 1}")]
    [InlineData("{_id: {$gt: 5}}")]
    [InlineData("{_id: {$in: [1, 2]}}")]
    [InlineData("{_id: /x/}")]
    [InlineData("{$or: [{_id: 1}]}")]
    public void Id_equality_is_absent_otherwise(string filter) =>
        Assert.Null(Filter.Compile(BsonDocument.Parse(filter)).IdEquality);

    [Theory]
    [InlineData("{a: 1, 'b.c': 'x', d: {$gt: 1}, e: /r/}", "{a: 1, 'b.c': 'x'}")]
    [InlineData("{a: {$eq: [1, 2]}, b: {$in: [3]}, c: {$in: [1, 2]}}", "{a: [1, 2], b: 3}")]
    [InlineData("{$and: [{a: 1}, {$and: [{b: null}]}], $or: [{c: 1}]}", "{a: 1, b: null}")]
    [InlineData("{a: {x: 1}}", "{a: {x: 1}}")]
    public void Equality_fields_list_the_pinned_top_level_fields(string filter, string expected)
    {
        var fields = Filter.Compile(BsonDocument.Parse(filter)).EqualityFields;

        Assert.Equal(BsonDocument.Parse(expected), new BsonDocument(fields.Select(f => new BsonElement(f.Path, f.Value))));
    }
}
