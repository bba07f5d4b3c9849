using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Storage.Query;

namespace ReplicaActors.Tests.Query;

public class UpdateErrorTests
{
    [Theory]
    [InlineData("{}", ErrorCode.FailedToParse, "empty")]
    [InlineData("{$foo: {a: 1}}", ErrorCode.FailedToParse, "$foo")]
    [InlineData("{$set: {a: 1}, b: 2}", ErrorCode.FailedToParse, "'b'")]
    [InlineData("{b: 2, $set: {a: 1}}", ErrorCode.FailedToParse, "$set")]
    [InlineData("{$set: 5}", ErrorCode.FailedToParse, "$set")]
    [InlineData("{$set: {a: 1}, $inc: {a: 1}}", ErrorCode.ConflictingUpdateOperators, "'a'")]
    [InlineData("{$set: {'a.b': 1, a: 2}}", ErrorCode.ConflictingUpdateOperators, "'a.b'")]
    [InlineData("{$set: {'a.b': 1}, $unset: {'a.b.c': 1}}", ErrorCode.ConflictingUpdateOperators, "'a.b.c'")]
    [InlineData("{$rename: {a: 'b'}, $set: {'b.c': 1}}", ErrorCode.ConflictingUpdateOperators, "'b.c'")]
    [InlineData("{$rename: {a: 'a'}}", ErrorCode.ConflictingUpdateOperators, "'a'")]
    [InlineData("{$push: {x: 1}, $pull: {x: 2}}", ErrorCode.ConflictingUpdateOperators, "'x'")]
    [InlineData("{$inc: {a: 'one'}}", ErrorCode.TypeMismatch, "'a'")]
    [InlineData("{$mul: {a: null}}", ErrorCode.TypeMismatch, "'a'")]
    [InlineData("{$set: {'a.$b.c': 1}}", ErrorCode.BadValue, "a.$b.c")]
    [InlineData("{$set: {'a..b': 1}}", ErrorCode.BadValue, "a..b")]
    [InlineData("{$set: {a: {$bad: 1}}}", ErrorCode.BadValue, "$bad")]
    [InlineData("{$push: {a: {$each: 1}}}", ErrorCode.BadValue, "$each")]
    [InlineData("{$push: {a: {$each: [1], $slice: 'x'}}}", ErrorCode.BadValue, "$slice")]
    [InlineData("{$push: {a: {$each: [1], $position: 1.5}}}", ErrorCode.BadValue, "$position")]
    [InlineData("{$push: {a: {$each: [1], $sort: 2}}}", ErrorCode.BadValue, "$sort")]
    [InlineData("{$push: {a: {$each: [1], $bogus: 1}}}", ErrorCode.BadValue, "$bogus")]
    [InlineData("{$addToSet: {a: {$each: [1], $slice: 1}}}", ErrorCode.BadValue, "$slice")]
    [InlineData("{$rename: {a: 5}}", ErrorCode.BadValue, "$rename")]
    [InlineData("{$currentDate: {a: 'now'}}", ErrorCode.BadValue, "$currentDate")]
    [InlineData("{$currentDate: {a: {$type: 'clock'}}}", ErrorCode.BadValue, "$currentDate")]
    [InlineData("{$pull: {a: {$foo: 1}}}", ErrorCode.BadValue, "$foo")]
    [InlineData("{a: {$b: 1}}", ErrorCode.BadValue, "$b")]
    [InlineData("{_id: [1]}", ErrorCode.BadValue, "_id")]
    public void Malformed_updates_are_refused_at_compile_time(string update, ErrorCode code, string named) =>
        Refusal.Expect(code, named, () => Update.Compile(BsonDocument.Parse(update)));

    [Fact]
    public void A_conflict_names_both_paths()
    {
        var error = Assert.Throws<ReplicaException>(() => Update.Compile(BsonDocument.Parse("{$set: {'a.b': 1}, $inc: {a: 1}}")));

        Assert.Contains("'a.b'", error.Message);
        Assert.Contains("'a'", error.Message);
    }

    [Theory]
    [InlineData("{_id: 1, a: 'x'}", "{$inc: {a: 1}}", ErrorCode.TypeMismatch, "'a'")]
    [InlineData("{_id: 1, a: {b: true}}", "{$mul: {'a.b': 2}}", ErrorCode.TypeMismatch, "'a.b'")]
    [InlineData("{_id: 1, a: 1}", "{$push: {a: 2}}", ErrorCode.TypeMismatch, "'a'")]
    [InlineData("{_id: 1, a: {}}", "{$addToSet: {a: 2}}", ErrorCode.TypeMismatch, "'a'")]
    [InlineData("{_id: 1, a: 'x'}", "{$pull: {a: 2}}", ErrorCode.TypeMismatch, "'a'")]
    [InlineData("{_id: 1, a: 5}", "{$set: {'a.b': 1}}", ErrorCode.TypeMismatch, "'a.b'")]
    [InlineData("{_id: 1, a: {b: 'x'}}", "{$set: {'a.b.c.d': 1}}", ErrorCode.TypeMismatch, "'a.b.c.d'")]
    [InlineData("{_id: 1, a: [{b: 1}]}", "{$set: {'a.b': 1}}", ErrorCode.TypeMismatch, "'a.b'")]
    [InlineData("{_id: 1, a: [1]}", "{$set: {'a.2000000': 1}}", ErrorCode.BadValue, "'a.2000000'")]
    [InlineData("{_id: 1, a: NumberLong(9223372036854775807)}", "{$inc: {a: 1}}", ErrorCode.BadValue, "'a'")]
    [InlineData("{_id: 1, a: [{b: 1}]}", "{$rename: {'a.b': 'c'}}", ErrorCode.BadValue, "a.b")]
    [InlineData("{_id: 1}", "{$set: {_id: 2}}", ErrorCode.ImmutableField, "_id")]
    [InlineData("{_id: 1}", "{$set: {_id: 1.0}}", ErrorCode.ImmutableField, "_id")]
    [InlineData("{_id: 1}", "{$unset: {_id: 1}}", ErrorCode.ImmutableField, "_id")]
    [InlineData("{_id: {a: 1}}", "{$set: {'_id.a': 2}}", ErrorCode.ImmutableField, "_id")]
    [InlineData("{_id: 1, a: 2}", "{$rename: {a: '_id'}}", ErrorCode.ImmutableField, "_id")]
    [InlineData("{_id: 1, a: 2}", "{_id: 2, a: 3}", ErrorCode.ImmutableField, "_id")]
    public void Bad_applications_are_refused_with_the_path(string original, string update, ErrorCode code, string named)
    {
        var compiled = Update.Compile(BsonDocument.Parse(update));

        Refusal.Expect(code, named, () => compiled.Apply(BsonDocument.Parse(original), UpdateApplyTests.Now));
    }
}
