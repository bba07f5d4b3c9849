using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using ReplicaActors.Protocol;
using ReplicaActors.Storage.Query;

namespace ReplicaActors.Tests.Query;

/// <summary>Positional update paths as mongod resolves them: <c>$</c> from the query's match, <c>$[]</c> and <c>$[id]</c> with arrayFilters.</summary>
public class PositionalUpdateTests
{
    private static BsonDocument Apply(string document, string query, string update, string? arrayFilters = null) =>
        Compile(update, arrayFilters).Apply(BsonDocument.Parse(document), UpdateApplyTests.Now, Filter.Compile(BsonDocument.Parse(query)));

    private static Update Compile(string update, string? arrayFilters) =>
        Update.Compile(BsonDocument.Parse(update), arrayFilters is null ? null : BsonSerializer.Deserialize<BsonArray>(arrayFilters));

    [Theory]
    // $ takes the position of the array element the query matched, for every operator that takes a path
    [InlineData("{_id: 1, a: [{x: 1}, {x: 2}]}", "{'a.x': 2}", "{$set: {'a.$.y': 5}}", "{_id: 1, a: [{x: 1}, {x: 2, y: 5}]}")]
    [InlineData("{_id: 1, g: [80, 85, 90]}", "{g: 85}", "{$set: {'g.$': 82}}", "{_id: 1, g: [80, 82, 90]}")]
    [InlineData("{_id: 1, g: [80, 85, 90]}", "{g: {$gte: 85}}", "{$inc: {'g.$': 1}}", "{_id: 1, g: [80, 86, 90]}")]
    [InlineData("{_id: 1, a: [{x: 1, q: 2}, {x: 2, q: 3}]}", "{a: {$elemMatch: {x: 2}}}", "{$mul: {'a.$.q': 10}}", "{_id: 1, a: [{x: 1, q: 2}, {x: 2, q: 30}]}")]
    [InlineData("{_id: 1, a: [{x: 1, q: 2}, {x: 2, q: 3}]}", "{'a.x': 1}", "{$min: {'a.$.q': 0}}", "{_id: 1, a: [{x: 1, q: 0}, {x: 2, q: 3}]}")]
    [InlineData("{_id: 1, a: [{x: 1, q: 2}, {x: 2, q: 3}]}", "{'a.x': 2}", "{$max: {'a.$.q': 9}}", "{_id: 1, a: [{x: 1, q: 2}, {x: 2, q: 9}]}")]
    [InlineData("{_id: 1, a: [{x: 1, q: 2}, {x: 2, q: 3}]}", "{'a.x': 2}", "{$unset: {'a.$.q': ''}}", "{_id: 1, a: [{x: 1, q: 2}, {x: 2}]}")]
    [InlineData("{_id: 1, a: [{x: 1, t: []}, {x: 2, t: [1]}]}", "{'a.x': 2}", "{$push: {'a.$.t': 2}}", "{_id: 1, a: [{x: 1, t: []}, {x: 2, t: [1, 2]}]}")]
    [InlineData("{_id: 1, a: [{x: 1, t: [1]}, {x: 2, t: [1]}]}", "{'a.x': 1}", "{$addToSet: {'a.$.t': {$each: [1, 3]}}}", "{_id: 1, a: [{x: 1, t: [1, 3]}, {x: 2, t: [1]}]}")]
    [InlineData("{_id: 1, a: [{x: 1, t: [1, 2]}, {x: 2, t: [1, 2]}]}", "{'a.x': 2}", "{$pull: {'a.$.t': 1}}", "{_id: 1, a: [{x: 1, t: [1, 2]}, {x: 2, t: [2]}]}")]
    [InlineData("{_id: 1, a: [{x: 1, t: [1, 2]}, {x: 2, t: [1, 2]}]}", "{'a.x': 2}", "{$pop: {'a.$.t': -1}}", "{_id: 1, a: [{x: 1, t: [1, 2]}, {x: 2, t: [2]}]}")]
    [InlineData("{_id: 1, a: [{x: 1, t: [1, 2]}, {x: 2, t: [1, 2, 1]}]}", "{'a.x': 2}", "{$pullAll: {'a.$.t': [1]}}", "{_id: 1, a: [{x: 1, t: [1, 2]}, {x: 2, t: [2]}]}")]
    // the position is in the outermost array the query went through; the last condition of an $and that went through one wins
    [InlineData("{_id: 1, a: [{b: [1, 2]}, {b: [3, 4]}]}", "{'a.b': 4}", "{$set: {'a.$.c': 1}}", "{_id: 1, a: [{b: [1, 2]}, {b: [3, 4], c: 1}]}")]
    [InlineData("{_id: 1, a: [1, 2, 3], n: 1}", "{n: 1, a: 3}", "{$set: {'a.$': 0}}", "{_id: 1, a: [1, 2, 0], n: 1}")]
    [InlineData("{_id: 1, a: [1, 2, 3], b: [7, 8]}", "{a: 3, b: 7}", "{$set: {'a.$': 0}}", "{_id: 1, a: [0, 2, 3], b: [7, 8]}")]
    // $[] reaches every element
    [InlineData("{_id: 1, a: [1, 2, 3]}", "{}", "{$inc: {'a.$[]': 10}}", "{_id: 1, a: [11, 12, 13]}")]
    [InlineData("{_id: 1, a: [{q: 1}, {}]}", "{}", "{$set: {'a.$[].q': 0}}", "{_id: 1, a: [{q: 0}, {q: 0}]}")]
    [InlineData("{_id: 1, a: [{q: 1}, {q: 2}]}", "{}", "{$unset: {'a.$[].q': 1}}", "{_id: 1, a: [{}, {}]}")]
    [InlineData("{_id: 1, a: [1, 2]}", "{}", "{$unset: {'a.$[]': 1}}", "{_id: 1, a: [null, null]}")]
    [InlineData("{_id: 1, a: [{t: [1]}, {t: [2]}]}", "{}", "{$push: {'a.$[].t': 5}}", "{_id: 1, a: [{t: [1, 5]}, {t: [2, 5]}]}")]
    [InlineData("{_id: 1, a: [{t: [1]}, {t: [2]}]}", "{}", "{$pull: {'a.$[].t': 1}}", "{_id: 1, a: [{t: []}, {t: [2]}]}")]
    [InlineData("{_id: 1, a: [[1, 2], [3]]}", "{}", "{$pop: {'a.$[]': 1}}", "{_id: 1, a: [[1], []]}")]
    [InlineData("{_id: 1, a: [5, 1]}", "{}", "{$max: {'a.$[]': 3}}", "{_id: 1, a: [5, 3]}")]
    [InlineData("{_id: 1, a: []}", "{}", "{$set: {'a.$[]': 1}}", "{_id: 1, a: []}")]
    // $ and $[] together, $[] nested
    [InlineData("{_id: 1, a: [{x: 1, t: [1, 2]}, {x: 2, t: [3, 4]}]}", "{'a.x': 2}", "{$inc: {'a.$.t.$[]': 1}}", "{_id: 1, a: [{x: 1, t: [1, 2]}, {x: 2, t: [4, 5]}]}")]
    [InlineData("{_id: 1, a: [[1, 2], [3]]}", "{}", "{$mul: {'a.$[].$[]': 2}}", "{_id: 1, a: [[2, 4], [6]]}")]
    public void Positional_paths_update_the_elements_they_stand_for(string document, string query, string update, string expected) =>
        Assert.Equal(BsonDocument.Parse(expected), Apply(document, query, update));

    [Theory]
    // filters address fields within the element, or the element itself
    [InlineData("{_id: 1, items: [{q: 3}, {q: 7}, {q: 9}]}", "{$set: {'items.$[i].big': true}}", "[{'i.q': {$gt: 5}}]", "{_id: 1, items: [{q: 3}, {q: 7, big: true}, {q: 9, big: true}]}")]
    [InlineData("{_id: 1, a: [5, 6, 5]}", "{$set: {'a.$[e]': 0}}", "[{e: 5}]", "{_id: 1, a: [0, 6, 0]}")]
    [InlineData("{_id: 1, a: [5, 6, 7]}", "{$inc: {'a.$[e]': 100}}", "[{e: {$gte: 6}}]", "{_id: 1, a: [5, 106, 107]}")]
    [InlineData("{_id: 1, a: [{k: 1, v: 1}, {k: 2, v: 2}, {k: 1, v: 5}]}", "{$unset: {'a.$[e].v': 1}}", "[{'e.k': 1, 'e.v': {$lt: 3}}]", "{_id: 1, a: [{k: 1}, {k: 2, v: 2}, {k: 1, v: 5}]}")]
    [InlineData("{_id: 1, a: [{k: 1}, {k: 2}, {k: 3}]}", "{$set: {'a.$[e].hit': 1}}", "[{$or: [{'e.k': 1}, {'e.k': 3}]}]", "{_id: 1, a: [{k: 1, hit: 1}, {k: 2}, {k: 3, hit: 1}]}")]
    [InlineData("{_id: 1, a: [{t: [1, 2]}, {t: [3]}]}", "{$push: {'a.$[e].t': 0}}", "[{'e.t': 3}]", "{_id: 1, a: [{t: [1, 2]}, {t: [3, 0]}]}")]
    [InlineData("{_id: 1, a: [{t: [1, 2]}, {t: [2, 3]}]}", "{$addToSet: {'a.$[e].t': 9}}", "[{'e.t': 1}]", "{_id: 1, a: [{t: [1, 2, 9]}, {t: [2, 3]}]}")]
    [InlineData("{_id: 1, a: [{t: [1, 2]}, {t: [2, 3]}]}", "{$pull: {'a.$[e].t': 2}}", "[{'e.t': 3}]", "{_id: 1, a: [{t: [1, 2]}, {t: [3]}]}")]
    [InlineData("{_id: 1, a: [{n: 2}, {n: 3}]}", "{$mul: {'a.$[e].n': 3}, $min: {'a.$[f].n': 0}}", "[{'e.n': 2}, {'f.n': 3}]", "{_id: 1, a: [{n: 6}, {n: 0}]}")]
    // nested: a.$[i].b.$[j]
    [InlineData("{_id: 1, a: [{k: 1, b: [1, 5]}, {k: 2, b: [5, 6]}]}", "{$set: {'a.$[i].b.$[j]': 0}}", "[{'i.k': 2}, {j: 5}]", "{_id: 1, a: [{k: 1, b: [1, 5]}, {k: 2, b: [0, 6]}]}")]
    // no element passes: nothing changes
    [InlineData("{_id: 1, a: [1, 2]}", "{$set: {'a.$[e]': 0}}", "[{e: 9}]", "{_id: 1, a: [1, 2]}")]
    public void Array_filters_choose_the_elements_an_identifier_reaches(string document, string update, string arrayFilters, string expected) =>
        Assert.Equal(BsonDocument.Parse(expected), Apply(document, "{}", update, arrayFilters));

    [Theory]
    [InlineData("{$set: {'a.$.b.$': 1}}", null, ErrorCode.BadValue, "Too many positional (i.e. '$') elements found in path 'a.$.b.$'")]
    [InlineData("{$set: {'$': 1}}", null, ErrorCode.BadValue, "Cannot have positional (i.e. '$') element in the first position in path '$'")]
    [InlineData("{$set: {'$[].a': 1}}", null, ErrorCode.BadValue, "Cannot have array filter identifier (i.e. '$[<id>]') element in the first position in path '$[].a'")]
    [InlineData("{$set: {'a.$[x]': 1}}", null, ErrorCode.BadValue, "No array filter found for identifier 'x' in path 'a.$[x]'")]
    [InlineData("{$set: {'a.$[x]': 1}}", "[{'y': 1}]", ErrorCode.BadValue, "No array filter found for identifier 'x' in path 'a.$[x]'")]
    [InlineData("{$set: {'a.$[]': 1}}", "[{'x.q': 1}]", ErrorCode.FailedToParse, "The array filter for identifier 'x' was not used in the update")]
    [InlineData("{$set: {'a.$[x]': 1}}", "[{'x': 1}, {'y': 2}]", ErrorCode.FailedToParse, "The array filter for identifier 'y' was not used in the update")]
    [InlineData("{a: 1}", "[{'x': 1}]", ErrorCode.FailedToParse, "The array filter for identifier 'x' was not used in the update")]
    [InlineData("{$set: {'a.$[X]': 1}}", "[{'X': 1}]", ErrorCode.BadValue, "must be an alphanumeric string beginning with a lowercase letter, found 'X'")]
    [InlineData("{$set: {'a.$[x]': 1}}", "[{'x': 1, 'y': 1}]", ErrorCode.FailedToParse, "Error parsing array filter :: caused by :: Expected a single top-level field name, found 'x' and 'y'")]
    [InlineData("{$set: {'a.$[x]': 1}}", "[{}]", ErrorCode.FailedToParse, "Cannot use an expression without a top-level field name in arrayFilters")]
    [InlineData("{$set: {'a.$[x]': 1}}", "[{'x': 1}, {'x.q': 2}]", ErrorCode.FailedToParse, "Found multiple array filters with the same top-level field name x")]
    [InlineData("{$set: {'a.$[x]': 1}}", "[5]", ErrorCode.FailedToParse, "each array filter must be a document")]
    [InlineData("{$set: {'a.$[x]': 1}}", "[{'x': {$bogus: 1}}]", ErrorCode.BadValue, "$bogus")]
    [InlineData("{$rename: {'a.$': 'b'}}", null, ErrorCode.BadValue, "The source field for $rename may not be dynamic: a.$")]
    [InlineData("{$rename: {'a': 'b.$[]'}}", null, ErrorCode.BadValue, "The destination field for $rename may not be dynamic: b.$[]")]
    [InlineData("{$set: {'a.$x': 1}}", null, ErrorCode.BadValue, "'$x'")]
    [InlineData("{$pop: {a: 2}}", null, ErrorCode.FailedToParse, "$pop expects 1 or -1, found: 2")]
    [InlineData("{$pullAll: {a: 1}}", null, ErrorCode.BadValue, "$pullAll for 'a' needs an array argument")]
    public void Malformed_positional_updates_are_refused_as_mongod_refuses_them(string update, string? arrayFilters, ErrorCode code, string message) =>
        Refusal.Expect(code, message, () => Compile(update, arrayFilters));

    [Theory]
    [InlineData("{_id: 1, a: [1, 2]}", "{_id: 1}", "{$set: {'a.$': 0}}", null, ErrorCode.BadValue, "The positional operator did not find the match needed from the query.")]
    [InlineData("{_id: 1, a: [1, 2]}", "{$or: [{a: 2}, {b: 1}]}", "{$set: {'a.$': 0}}", null, ErrorCode.BadValue, "The positional operator did not find the match needed from the query.")]
    [InlineData("{_id: 1, a: [1, 2]}", "{a: {$ne: 5}}", "{$set: {'a.$': 0}}", null, ErrorCode.BadValue, "The positional operator did not find the match needed from the query.")]
    [InlineData("{_id: 1}", "{}", "{$set: {'a.$[]': 0}}", null, ErrorCode.BadValue, "The path 'a' must exist in the document in order to apply array updates.")]
    [InlineData("{_id: 1, a: {b: 5}}", "{}", "{$inc: {'a.b.$[]': 1}}", null, ErrorCode.BadValue, "Cannot apply array updates to non-array element b: 5")]
    [InlineData("{_id: 1, a: [{b: 1}, {c: 1}]}", "{}", "{$set: {'a.$[].b.$[]': 1}}", null, ErrorCode.BadValue, "Cannot apply array updates to non-array element b: 1 (at 'a.0.b')")]
    [InlineData("{_id: 1, a: [1, 2]}", "{}", "{$set: {'a.$[e]': 0, 'a.$[f]': 1}}", "[{e: 2}, {f: {$gt: 1}}]", ErrorCode.ConflictingUpdateOperators, "Update created a conflict at 'a.1'")]
    [InlineData("{_id: 1, a: [{x: 1}], b: [1]}", "{'b': 1}", "{$set: {'a.$.x': 2}, $unset: {'a.0': 1}}", null, ErrorCode.ConflictingUpdateOperators, "Update created a conflict at 'a.0'")]
    [InlineData("{_id: 1, a: [{x: 'no'}]}", "{}", "{$inc: {'a.$[].x': 1}}", null, ErrorCode.TypeMismatch, "'a.0.x'")]
    public void Positional_paths_that_cannot_be_resolved_in_a_document_are_refused(
        string document, string query, string update, string? arrayFilters, ErrorCode code, string message) =>
        Refusal.Expect(code, message, () => Apply(document, query, update, arrayFilters));

    [Theory]
    [InlineData("{_id: 1, a: [1]}", "{$set: {'a.$': 0}}", "The positional operator did not find the match needed from the query.")]
    [InlineData("{_id: 1}", "{$set: {'a.$[]': 0}}", "The path 'a' must exist in the document in order to apply array updates.")]
    public void An_upsert_insert_has_no_match_for_a_positional_path(string query, string update, string message) =>
        Refusal.Expect(ErrorCode.BadValue, message, () => Compile(update, null).ApplyUpsert(Filter.Compile(BsonDocument.Parse(query)), UpdateApplyTests.Now));

    [Fact]
    public void An_upsert_seeded_with_an_array_applies_all_element_paths_to_it() =>
        Assert.Equal(
            BsonDocument.Parse("{_id: 1, a: [2, 3]}"),
            Compile("{$inc: {'a.$[]': 1}}", null).ApplyUpsert(Filter.Compile(BsonDocument.Parse("{_id: 1, a: [1, 2]}")), UpdateApplyTests.Now));
}
