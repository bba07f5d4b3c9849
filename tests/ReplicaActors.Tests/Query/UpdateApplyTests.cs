using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Storage.Query;

namespace ReplicaActors.Tests.Query;

public class UpdateApplyTests
{
    internal static readonly DateTime Now = new(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);

    [Theory]
    // $set: existing, new, dotted, creating documents, indexing arrays, padding arrays
    [InlineData("{_id: 1, a: 1}", "{$set: {a: 2}}", "{_id: 1, a: 2}")]
    [InlineData("{_id: 1, a: 1}", "{$set: {b: 'x'}}", "{_id: 1, a: 1, b: 'x'}")]
    [InlineData("{_id: 1}", "{$set: {'a.b.c': 1}}", "{_id: 1, a: {b: {c: 1}}}")]
    [InlineData("{_id: 1, a: {x: 0}}", "{$set: {'a.b': 1}}", "{_id: 1, a: {x: 0, b: 1}}")]
    [InlineData("{_id: 1, a: [1, 2, 3]}", "{$set: {'a.1': 9}}", "{_id: 1, a: [1, 9, 3]}")]
    [InlineData("{_id: 1, a: [1]}", "{$set: {'a.3': 9}}", "{_id: 1, a: [1, null, null, 9]}")]
    [InlineData("{_id: 1, a: [{b: 1}]}", "{$set: {'a.0.b': 2}}", "{_id: 1, a: [{b: 2}]}")]
    [InlineData("{_id: 1, a: {}}", "{$set: {'a.0': 1}}", "{_id: 1, a: {'0': 1}}")]
    [InlineData("{_id: 1}", "{$set: {z: 1, b: 2, 'a.y': 3, 'a.x': 4}}", "{_id: 1, a: {x: 4, y: 3}, b: 2, z: 1}")]
    [InlineData("{_id: 1, a: 1}", "{$set: {_id: 1}}", "{_id: 1, a: 1}")]
    [InlineData("{_id: 1}", "{$set: {}}", "{_id: 1}")]
    // $setOnInsert does nothing on an update
    [InlineData("{_id: 1}", "{$setOnInsert: {a: 1}}", "{_id: 1}")]
    // $unset
    [InlineData("{_id: 1, a: 1, b: 2}", "{$unset: {a: ''}}", "{_id: 1, b: 2}")]
    [InlineData("{_id: 1, a: {b: 1, c: 2}}", "{$unset: {'a.b': 1}}", "{_id: 1, a: {c: 2}}")]
    [InlineData("{_id: 1, a: [1, 2, 3]}", "{$unset: {'a.1': 1}}", "{_id: 1, a: [1, null, 3]}")]
    [InlineData("{_id: 1}", "{$unset: {'x.y': 1}}", "{_id: 1}")]
    [InlineData("{_id: 1, a: 5}", "{$unset: {'a.b': 1}}", "{_id: 1, a: 5}")]
    // $inc with numeric widening
    [InlineData("{_id: 1, a: 1}", "{$inc: {a: 2}}", "{_id: 1, a: 3}")]
    [InlineData("{_id: 1}", "{$inc: {a: 2}}", "{_id: 1, a: 2}")]
    [InlineData("{_id: 1, a: 1}", "{$inc: {a: -1.5}}", "{_id: 1, a: -0.5}")]
    [InlineData("{_id: 1, a: 2147483647}", "{$inc: {a: 1}}", "{_id: 1, a: NumberLong(2147483648)}")]
    [InlineData("{_id: 1, a: NumberLong(1)}", "{$inc: {a: 1}}", "{_id: 1, a: NumberLong(2)}")]
    [InlineData("{_id: 1, a: 1}", "{$inc: {a: NumberDecimal('0.5')}}", "{_id: 1, a: NumberDecimal('1.5')}")]
    [InlineData("{_id: 1, a: {b: [1, 5]}}", "{$inc: {'a.b.1': 10}}", "{_id: 1, a: {b: [1, 15]}}")]
    // $mul
    [InlineData("{_id: 1, a: 3}", "{$mul: {a: 4}}", "{_id: 1, a: 12}")]
    [InlineData("{_id: 1, a: 3}", "{$mul: {a: 0.5}}", "{_id: 1, a: 1.5}")]
    [InlineData("{_id: 1}", "{$mul: {a: NumberLong(5)}}", "{_id: 1, a: NumberLong(0)}")]
    // $min and $max, across types by BSON order
    [InlineData("{_id: 1, a: 5}", "{$min: {a: 3}}", "{_id: 1, a: 3}")]
    [InlineData("{_id: 1, a: 5}", "{$min: {a: 7}}", "{_id: 1, a: 5}")]
    [InlineData("{_id: 1, a: 5}", "{$max: {a: 7}}", "{_id: 1, a: 7}")]
    [InlineData("{_id: 1, a: 5}", "{$max: {a: 'x'}}", "{_id: 1, a: 'x'}")]
    [InlineData("{_id: 1, a: 5}", "{$min: {a: null}}", "{_id: 1, a: null}")]
    [InlineData("{_id: 1}", "{$max: {a: 1}}", "{_id: 1, a: 1}")]
    // $push with modifiers
    [InlineData("{_id: 1, a: [1]}", "{$push: {a: 2}}", "{_id: 1, a: [1, 2]}")]
    [InlineData("{_id: 1}", "{$push: {a: 2}}", "{_id: 1, a: [2]}")]
    [InlineData("{_id: 1, a: [1]}", "{$push: {a: [2, 3]}}", "{_id: 1, a: [1, [2, 3]]}")]
    [InlineData("{_id: 1, a: [1]}", "{$push: {a: {$each: [2, 3]}}}", "{_id: 1, a: [1, 2, 3]}")]
    [InlineData("{_id: 1, a: [1, 2]}", "{$push: {a: {$each: [9], $position: 0}}}", "{_id: 1, a: [9, 1, 2]}")]
    [InlineData("{_id: 1, a: [1, 2]}", "{$push: {a: {$each: [9], $position: -1}}}", "{_id: 1, a: [1, 9, 2]}")]
    [InlineData("{_id: 1, a: [1, 2]}", "{$push: {a: {$each: [3, 4], $slice: -3}}}", "{_id: 1, a: [2, 3, 4]}")]
    [InlineData("{_id: 1, a: [1, 2]}", "{$push: {a: {$each: [3], $slice: 2}}}", "{_id: 1, a: [1, 2]}")]
    [InlineData("{_id: 1, a: [1, 2]}", "{$push: {a: {$each: [], $slice: 0}}}", "{_id: 1, a: []}")]
    [InlineData("{_id: 1, a: [3, 1]}", "{$push: {a: {$each: [2], $sort: -1}}}", "{_id: 1, a: [3, 2, 1]}")]
    [InlineData("{_id: 1, a: [{s: 2}, {s: 9}]}", "{$push: {a: {$each: [{s: 5}], $sort: {s: 1}, $slice: -2}}}", "{_id: 1, a: [{s: 5}, {s: 9}]}")]
    [InlineData("{_id: 1, a: [1]}", "{$push: {a: {x: 1}}}", "{_id: 1, a: [1, {x: 1}]}")]
    // $addToSet
    [InlineData("{_id: 1, a: [1, 2]}", "{$addToSet: {a: 2}}", "{_id: 1, a: [1, 2]}")]
    [InlineData("{_id: 1, a: [1, 2]}", "{$addToSet: {a: 2.0}}", "{_id: 1, a: [1, 2]}")]
    [InlineData("{_id: 1, a: [1, 2]}", "{$addToSet: {a: 3}}", "{_id: 1, a: [1, 2, 3]}")]
    [InlineData("{_id: 1}", "{$addToSet: {a: {$each: [1, 1, 2]}}}", "{_id: 1, a: [1, 2]}")]
    [InlineData("{_id: 1, a: [{x: 1}]}", "{$addToSet: {a: {x: 1}}}", "{_id: 1, a: [{x: 1}]}")]
    [InlineData("{_id: 1, a: [[1]]}", "{$addToSet: {a: {$each: [[1], [2]]}}}", "{_id: 1, a: [[1], [2]]}")]
    // $pull by value, by condition, by document query
    [InlineData("{_id: 1, a: [1, 2, 1, 3]}", "{$pull: {a: 1}}", "{_id: 1, a: [2, 3]}")]
    [InlineData("{_id: 1, a: [1, 5, 8]}", "{$pull: {a: {$gte: 5}}}", "{_id: 1, a: [1]}")]
    [InlineData("{_id: 1, a: [1, 5, 8]}", "{$pull: {a: {$in: [1, 8]}}}", "{_id: 1, a: [5]}")]
    [InlineData("{_id: 1, a: [{s: 8, i: 'B'}, {s: 8, i: 'C'}, {s: 7}]}", "{$pull: {a: {s: 8, i: 'B'}}}", "{_id: 1, a: [{s: 8, i: 'C'}, {s: 7}]}")]
    [InlineData("{_id: 1, a: [{b: [1, 2]}, {b: [3]}]}", "{$pull: {a: {b: 2}}}", "{_id: 1, a: [{b: [3]}]}")]
    [InlineData("{_id: 1, a: ['apple', 'kiwi']}", "{$pull: {a: /^a/}}", "{_id: 1, a: ['kiwi']}")]
    [InlineData("{_id: 1, a: [[1, 2], 1]}", "{$pull: {a: [1, 2]}}", "{_id: 1, a: [1]}")]
    [InlineData("{_id: 1}", "{$pull: {a: 1}}", "{_id: 1}")]
    // $rename
    [InlineData("{_id: 1, a: 1, b: 2}", "{$rename: {a: 'c'}}", "{_id: 1, b: 2, c: 1}")]
    [InlineData("{_id: 1, a: {b: 1}}", "{$rename: {'a.b': 'c.d'}}", "{_id: 1, a: {}, c: {d: 1}}")]
    [InlineData("{_id: 1, a: 1, b: 2}", "{$rename: {a: 'b'}}", "{_id: 1, b: 1}")]
    [InlineData("{_id: 1, b: 2}", "{$rename: {a: 'c'}}", "{_id: 1, b: 2}")]
    // $currentDate
    [InlineData("{_id: 1}", "{$currentDate: {a: true}}", "{_id: 1, a: ISODate('2024-05-01T12:00:00Z')}")]
    [InlineData("{_id: 1}", "{$currentDate: {a: {$type: 'date'}}}", "{_id: 1, a: ISODate('2024-05-01T12:00:00Z')}")]
    [InlineData("{_id: 1}", "{$currentDate: {a: {$type: 'timestamp'}}}", "{_id: 1, a: Timestamp(1714564800, 1)}")]
    // several operators at once
    [InlineData("{_id: 1, n: 1, t: [], old: 0}", "{$inc: {n: 1}, $push: {t: 'x'}, $unset: {old: 1}, $set: {'m.k': true}}", "{_id: 1, n: 2, t: ['x'], m: {k: true}}")]
    public void Applies_operators(string original, string update, string expected)
    {
        var input = BsonDocument.Parse(original);

        var result = Update.Compile(BsonDocument.Parse(update)).Apply(input, Now);

        Assert.Equal(BsonDocument.Parse(expected).ToJson(), result.ToJson());
        Assert.Equal(BsonDocument.Parse(original).ToJson(), input.ToJson());
    }

    [Theory]
    [InlineData("{_id: 1, a: 1, b: 2}", "{c: 3}", "{_id: 1, c: 3}")]
    [InlineData("{_id: 1, a: 1}", "{c: 3, _id: 1}", "{_id: 1, c: 3}")]
    [InlineData("{a: 1}", "{b: 1, _id: 4}", "{_id: 4, b: 1}")]
    [InlineData("{_id: 1, a: 1}", "{x: {y: [1, {z: 2}]}}", "{_id: 1, x: {y: [1, {z: 2}]}}")]
    public void Replaces_the_document_but_keeps_its_id(string original, string replacement, string expected)
    {
        var update = Update.Compile(BsonDocument.Parse(replacement));

        var result = update.Apply(BsonDocument.Parse(original), Now);

        Assert.True(update.IsReplacement);
        Assert.Equal(BsonDocument.Parse(expected).ToJson(), result.ToJson());
    }

    [Fact]
    public void Operator_updates_are_not_replacements() =>
        Assert.False(Update.Compile(BsonDocument.Parse("{$set: {a: 1}}")).IsReplacement);

    [Fact]
    public void Applying_twice_gives_the_same_result_and_shares_nothing_with_the_input()
    {
        var update = Update.Compile(BsonDocument.Parse("{$push: {a: {$each: [{x: 1}]}}, $set: {b: {c: [1]}}}"));
        var original = BsonDocument.Parse("{_id: 1, a: []}");

        var first = update.Apply(original, Now);
        first["b"]["c"].AsBsonArray.Add(2);
        first["a"][0].AsBsonDocument.Set("x", 9);
        var second = update.Apply(original, Now);

        Assert.Equal(BsonDocument.Parse("{_id: 1, a: [{x: 1}], b: {c: [1]}}"), second);
    }
}
