using MongoDB.Bson;
using ReplicaActors.Storage.Query;

namespace ReplicaActors.Tests.Query;

public class FilterMatchTests
{
    [Theory]
    // implicit equality, numbers across types, documents and arrays as wholes
    [InlineData("{}", "{a: 1}", true)]
    [InlineData("{a: 1}", "{a: 1}", true)]
    [InlineData("{a: 1}", "{a: 1.0}", true)]
    [InlineData("{a: 1}", "{a: NumberLong(1)}", true)]
    [InlineData("{a: 1}", "{a: '1'}", false)]
    [InlineData("{a: 1}", "{b: 1}", false)]
    [InlineData("{a: 1, b: 2}", "{a: 1, b: 3}", false)]
    [InlineData("{a: {b: 1}}", "{a: {b: 1}}", true)]
    [InlineData("{a: {b: 1}}", "{a: {b: 1, c: 2}}", false)]
    [InlineData("{a: {b: 1, c: 2}}", "{a: {c: 2, b: 1}}", false)]
    [InlineData("{a: {}}", "{a: {}}", true)]
    [InlineData("{a: [1, 2]}", "{a: [1, 2]}", true)]
    [InlineData("{a: [1, 2]}", "{a: [2, 1]}", false)]
    [InlineData("{a: [1, 2]}", "{a: [[1, 2], 3]}", true)]
    [InlineData("{a: 2}", "{a: [1, 2, 3]}", true)]
    [InlineData("{a: 2}", "{a: [[2]]}", false)]
    [InlineData("{a: []}", "{a: []}", true)]
    [InlineData("{a: []}", "{a: [[]]}", true)]
    // null matches null, undefined and missing, also inside arrays
    [InlineData("{a: null}", "{b: 1}", true)]
    [InlineData("{a: null}", "{a: null}", true)]
    [InlineData("{a: null}", "{a: undefined}", true)]
    [InlineData("{a: null}", "{a: 0}", false)]
    [InlineData("{a: null}", "{a: [1, null]}", true)]
    [InlineData("{a: null}", "{a: []}", false)]
    [InlineData("{'a.b': null}", "{a: [{b: 1}, {c: 1}]}", true)]
    [InlineData("{'a.b': null}", "{a: [{b: 1}]}", false)]
    // dotted paths through documents and arrays, numeric parts index arrays
    [InlineData("{'a.b': 1}", "{a: {b: 1}}", true)]
    [InlineData("{'a.b.c': 1}", "{a: {b: {c: 1}}}", true)]
    [InlineData("{'a.b': 1}", "{a: [{b: 2}, {b: 1}]}", true)]
    [InlineData("{'a.b': 1}", "{a: [{b: [0, 1]}]}", true)]
    [InlineData("{'a.b': 1}", "{a: [[{b: 1}]]}", false)]
    [InlineData("{'a.b': 1}", "{a: 1}", false)]
    [InlineData("{'a.1': 'y'}", "{a: ['x', 'y']}", true)]
    [InlineData("{'a.0': 'y'}", "{a: ['x', 'y']}", false)]
    [InlineData("{'a.0.b': 1}", "{a: [{b: 1}]}", true)]
    [InlineData("{'a.0.b': null}", "{a: [{b: 1}]}", false)]
    [InlineData("{'a.0': 1}", "{a: {'0': 1}}", true)]
    [InlineData("{'a.0': 1}", "{a: [{'0': 1}]}", true)]
    [InlineData("{'a.5': null}", "{a: [1]}", true)]
    // $eq and $ne
    [InlineData("{a: {$eq: 1}}", "{a: 1.0}", true)]
    [InlineData("{a: {$eq: [1]}}", "{a: [1]}", true)]
    [InlineData("{a: {$eq: /x/}}", "{a: 'x'}", false)]
    [InlineData("{a: {$eq: /x/}}", "{a: /x/}", true)]
    [InlineData("{a: {$ne: 1}}", "{a: 2}", true)]
    [InlineData("{a: {$ne: 1}}", "{b: 2}", true)]
    [InlineData("{a: {$ne: 1}}", "{a: [1, 2]}", false)]
    [InlineData("{a: {$ne: null}}", "{b: 1}", false)]
    [InlineData("{a: {$ne: null}}", "{a: 0}", true)]
    // comparisons, bracketed by type
    [InlineData("{a: {$gt: 5}}", "{a: 6}", true)]
    [InlineData("{a: {$gt: 5}}", "{a: 5}", false)]
    [InlineData("{a: {$gt: 5}}", "{a: 5.5}", true)]
    [InlineData("{a: {$gt: 5}}", "{a: 'z'}", false)]
    [InlineData("{a: {$gt: 5}}", "{a: true}", false)]
    [InlineData("{a: {$gt: 5}}", "{b: 10}", false)]
    [InlineData("{a: {$gte: 5}}", "{a: NumberLong(5)}", true)]
    [InlineData("{a: {$lt: 5}}", "{a: 4.9}", true)]
    [InlineData("{a: {$lt: 5}}", "{a: null}", false)]
    [InlineData("{a: {$lte: 5}}", "{a: NumberDecimal('5.0')}", true)]
    [InlineData("{a: {$lt: 'b'}}", "{a: 'a'}", true)]
    [InlineData("{a: {$lt: 'b'}}", "{a: 1}", false)]
    [InlineData("{a: {$gt: 5}}", "{a: [1, 6]}", true)]
    [InlineData("{a: {$gt: 1, $lt: 5}}", "{a: [0, 10]}", true)]
    [InlineData("{a: {$gt: 1, $lt: 5}}", "{a: 10}", false)]
    [InlineData("{a: {$gt: 1, $lt: 5}}", "{a: 3}", true)]
    [InlineData("{a: {$gte: null}}", "{b: 1}", true)]
    [InlineData("{a: {$gt: null}}", "{a: 1}", false)]
    [InlineData("{a: {$gt: {$minKey: 1}}}", "{a: 'anything'}", true)]
    [InlineData("{a: {$lt: {$maxKey: 1}}}", "{a: {x: 1}}", true)]
    [InlineData("{a: {$gt: new Date(0)}}", "{a: new Date(1000)}", true)]
    [InlineData("{a: {$gt: new Date(0)}}", "{a: 1000}", false)]
    [InlineData("{a: {$gt: [1]}}", "{a: [2]}", true)]
    [InlineData("{a: {$lt: 5}}", "{a: {$numberDouble: 'NaN'}}", false)]
    [InlineData("{a: {$gte: {$numberDouble: 'NaN'}}}", "{a: {$numberDouble: 'NaN'}}", true)]
    // $in and $nin
    [InlineData("{a: {$in: [1, 2]}}", "{a: 2}", true)]
    [InlineData("{a: {$in: [1, 2]}}", "{a: 3}", false)]
    [InlineData("{a: {$in: [1, 2]}}", "{a: [3, 2]}", true)]
    [InlineData("{a: {$in: []}}", "{a: 1}", false)]
    [InlineData("{a: {$in: [null]}}", "{b: 1}", true)]
    [InlineData("{a: {$in: [/^x/]}}", "{a: 'xyz'}", true)]
    [InlineData("{a: {$in: [[1, 2]]}}", "{a: [1, 2]}", true)]
    [InlineData("{a: {$nin: [1, 2]}}", "{a: 3}", true)]
    [InlineData("{a: {$nin: [1, 2]}}", "{a: [3, 1]}", false)]
    [InlineData("{a: {$nin: [1]}}", "{b: 1}", true)]
    // $exists
    [InlineData("{a: {$exists: true}}", "{a: null}", true)]
    [InlineData("{a: {$exists: true}}", "{b: 1}", false)]
    [InlineData("{a: {$exists: false}}", "{b: 1}", true)]
    [InlineData("{a: {$exists: 0}}", "{a: 1}", false)]
    [InlineData("{a: {$exists: 1}}", "{a: []}", true)]
    [InlineData("{'a.b': {$exists: true}}", "{a: [{c: 1}, {b: 2}]}", true)]
    [InlineData("{'a.b': {$exists: false}}", "{a: [{c: 1}, {b: 2}]}", false)]
    [InlineData("{'a.b': {$exists: false}}", "{a: [{c: 1}]}", true)]
    // $and, $or, $nor
    [InlineData("{$and: [{a: 1}, {b: 2}]}", "{a: 1, b: 2}", true)]
    [InlineData("{$and: [{a: 1}, {b: 2}]}", "{a: 1, b: 3}", false)]
    [InlineData("{$or: [{a: 1}, {b: 2}]}", "{a: 0, b: 2}", true)]
    [InlineData("{$or: [{a: 1}, {b: 2}]}", "{a: 0, b: 0}", false)]
    [InlineData("{$nor: [{a: 1}, {b: 2}]}", "{a: 0, b: 0}", true)]
    [InlineData("{$nor: [{a: 1}, {b: 2}]}", "{a: 1}", false)]
    [InlineData("{$or: [{a: 1}, {$and: [{b: 2}, {c: 3}]}]}", "{b: 2, c: 3}", true)]
    [InlineData("{c: 1, $or: [{a: 1}, {b: 2}]}", "{b: 2, c: 2}", false)]
    // $not
    [InlineData("{a: {$not: {$gt: 5}}}", "{a: 3}", true)]
    [InlineData("{a: {$not: {$gt: 5}}}", "{a: 7}", false)]
    [InlineData("{a: {$not: {$gt: 5}}}", "{b: 7}", true)]
    [InlineData("{a: {$not: {$gt: 5}}}", "{a: 'z'}", true)]
    [InlineData("{a: {$not: /^x/}}", "{a: 'yes'}", true)]
    [InlineData("{a: {$not: /^x/}}", "{a: 'xyz'}", false)]
    [InlineData("{a: {$not: {$gt: 1, $lt: 5}}}", "{a: 7}", true)]
    // $regex with options, literal regexes, symbols, arrays
    [InlineData("{a: /^ab/}", "{a: 'abc'}", true)]
    [InlineData("{a: /^ab/}", "{a: 'ABC'}", false)]
    [InlineData("{a: /^ab/i}", "{a: 'ABC'}", true)]
    [InlineData("{a: /b/}", "{a: ['x', 'abc']}", true)]
    [InlineData("{a: /1/}", "{a: 1}", false)]
    [InlineData("{a: /x/}", "{a: {$symbol: 'x'}}", true)]
    [InlineData("{a: /x/i}", "{a: /x/i}", true)]
    // $size
    [InlineData("{a: {$size: 2}}", "{a: [1, 2]}", true)]
    [InlineData("{a: {$size: 2}}", "{a: [1]}", false)]
    [InlineData("{a: {$size: 0}}", "{a: []}", true)]
    [InlineData("{a: {$size: 1}}", "{a: 'x'}", false)]
    [InlineData("{a: {$size: 2}}", "{a: [[1, 2]]}", false)]
    [InlineData("{a: {$size: 2.0}}", "{a: [1, 2]}", true)]
    [InlineData("{'a.b': {$size: 1}}", "{a: [{b: [1]}, {b: [1, 2]}]}", true)]
    // $elemMatch, value and document forms
    [InlineData("{a: {$elemMatch: {$gt: 1, $lt: 5}}}", "{a: [0, 10]}", false)]
    [InlineData("{a: {$elemMatch: {$gt: 1, $lt: 5}}}", "{a: [0, 3]}", true)]
    [InlineData("{a: {$elemMatch: {$gt: 1}}}", "{a: 3}", false)]
    [InlineData("{a: {$elemMatch: {$ne: 1}}}", "{a: [1, 2]}", true)]
    [InlineData("{a: {$elemMatch: {b: 1, c: 2}}}", "{a: [{b: 1}, {c: 2}]}", false)]
    [InlineData("{a: {$elemMatch: {b: 1, c: 2}}}", "{a: [{b: 1, c: 2, d: 3}]}", true)]
    [InlineData("{a: {$elemMatch: {b: {$gte: 2}}}}", "{a: [{b: 1}, {b: 3}]}", true)]
    [InlineData("{a: {$elemMatch: {b: 1}}}", "{a: [1, 2]}", false)]
    [InlineData("{a: {$elemMatch: {$or: [{b: 1}, {c: 1}]}}}", "{a: [{c: 1}]}", true)]
    [InlineData("{a: {$elemMatch: {}}}", "{a: [1, {}]}", true)]
    [InlineData("{'a.b': {$elemMatch: {$eq: 2}}}", "{a: [{b: [1]}, {b: [2]}]}", true)]
    // $all
    [InlineData("{a: {$all: [1, 2]}}", "{a: [2, 3, 1]}", true)]
    [InlineData("{a: {$all: [1, 2]}}", "{a: [1, 3]}", false)]
    [InlineData("{a: {$all: [1]}}", "{a: 1}", true)]
    [InlineData("{a: {$all: []}}", "{a: [1]}", false)]
    [InlineData("{a: {$all: [[1, 2]]}}", "{a: [[1, 2], 3]}", true)]
    [InlineData("{a: {$all: [{$elemMatch: {b: 1}}, {$elemMatch: {c: 2}}]}}", "{a: [{b: 1}, {c: 2}]}", true)]
    [InlineData("{a: {$all: [/^x/, /y$/]}}", "{a: ['xa', 'by']}", true)]
    // $type
    [InlineData("{a: {$type: 'string'}}", "{a: 'x'}", true)]
    [InlineData("{a: {$type: 2}}", "{a: 'x'}", true)]
    [InlineData("{a: {$type: 'number'}}", "{a: NumberLong(1)}", true)]
    [InlineData("{a: {$type: 'number'}}", "{a: '1'}", false)]
    [InlineData("{a: {$type: 'array'}}", "{a: [1]}", true)]
    [InlineData("{a: {$type: 'string'}}", "{a: [1, 'x']}", true)]
    [InlineData("{a: {$type: ['int', 'bool']}}", "{a: true}", true)]
    [InlineData("{a: {$type: 'null'}}", "{b: 1}", false)]
    [InlineData("{a: {$type: 'double'}}", "{a: 1}", false)]
    [InlineData("{a: {$type: -1}}", "{a: {$minKey: 1}}", true)]
    public void Matches(string filter, string document, bool expected) =>
        Assert.Equal(expected, Filter.Compile(BsonDocument.Parse(filter)).Matches(BsonDocument.Parse(document)));

    /// <summary>
    /// The JSON reader takes <c>{$regex, $options}</c> for a legacy regex literal, so these operator documents
    /// are built in code, as a driver would send them.
    /// </summary>
    public static TheoryData<BsonDocument, string, bool> RegexOperatorCases() => new()
    {
        { Regex(new BsonString("^ab")), "{a: 'abc'}", true },
        { Regex(new BsonString("^ab")), "{a: 'ABC'}", false },
        { Regex(new BsonString("^ab"), ("$options", "i")), "{a: 'ABc'}", true },
        { Regex(new BsonRegularExpression("^ab"), ("$options", "i")), "{a: 'ABc'}", true },
        { Regex(new BsonRegularExpression("^ab", "i")), "{a: 'ABc'}", true },
        { Regex(new BsonString("^b$"), ("$options", "m")), "{a: 'a\\nb'}", true },
        { Regex(new BsonString("^b$")), "{a: 'a\\nb'}", false },
        { Regex(new BsonString("a.b"), ("$options", "s")), "{a: 'a\\nb'}", true },
        { Regex(new BsonString("a b c"), ("$options", "x")), "{a: 'abc'}", true },
        { Regex(new BsonString("x"), ("$gt", "a")), "{a: 'x'}", true },
        { Regex(new BsonString("x"), ("$gt", "y")), "{a: 'x'}", false },
        { Regex(new BsonString("b")), "{a: ['x', 'abc']}", true },
    };

    [Theory]
    [MemberData(nameof(RegexOperatorCases))]
    public void Matches_regex_operator(BsonDocument filter, string document, bool expected) =>
        Assert.Equal(expected, Filter.Compile(filter).Matches(BsonDocument.Parse(document)));

    internal static BsonDocument Regex(BsonValue pattern, params (string Name, string Value)[] more)
    {
        var operators = new BsonDocument("$regex", pattern);
        foreach (var (name, value) in more)
        {
            operators.Add(name, value);
        }

        return new BsonDocument("a", operators);
    }
}
