using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Wire;

namespace ReplicaActors.Tests.Wire;

public sealed class ResumeTokenTests
{
    [Theory]
    [InlineData(ResumeTokenKind.After)]
    [InlineData(ResumeTokenKind.Invalidating)]
    [InlineData(ResumeTokenKind.Invalidate)]
    [InlineData(ResumeTokenKind.StartAt)]
    public void A_token_reads_back_as_the_same_kind_and_OpTime(ResumeTokenKind kind)
    {
        var token = new ResumeToken(kind, new OpTime(new Timestamp(1_800_000_000, 7), 3));

        var bson = token.ToBson();

        Assert.Equal(["_data"], bson.Names);
        Assert.Matches("^[0-9A-F]{36}$", bson["_data"].AsString);
        Assert.Equal(token, ResumeToken.Parse(bson, "resumeAfter"));
    }

    [Fact]
    public void Tokens_of_later_entries_sort_later_as_strings()
    {
        var earlier = new ResumeToken(ResumeTokenKind.After, new OpTime(new Timestamp(100, 9), 1)).ToBson()["_data"].AsString;
        var later = new ResumeToken(ResumeTokenKind.After, new OpTime(new Timestamp(101, 0), 1)).ToBson()["_data"].AsString;

        Assert.True(string.CompareOrdinal(earlier, later) < 0);
    }

    [Theory]
    [InlineData("{ _data: '00' }")]
    [InlineData("{ _data: 'zz' }")]
    [InlineData("{ _data: 5 }")]
    [InlineData("{ data: '01' }")]
    [InlineData("{ _data: '0109000000000000006400000000000000001' }")]
    [InlineData("{ _data: '010900000000000000640000000000000001' }")]
    public void A_token_this_server_did_not_hand_out_is_InvalidResumeToken(string token)
    {
        var e = Assert.Throws<ReplicaException>(() => ResumeToken.Parse(BsonDocument.Parse(token), "resumeAfter"));

        Assert.Equal(ErrorCode.InvalidResumeToken, e.Code);
        Assert.StartsWith("$changeStream resumeAfter:", e.Message);
    }
}

public sealed class ChangeEventShaperTests
{
    private static readonly ChangeStreamScope Items = new("shop", "items");
    private long _ts = 100;

    private OplogEntry Entry(OpType op, string ns, string o, BsonValue? o2 = null) =>
        new(new OpTime(new Timestamp((uint)++_ts, 1), 2), 1_800_000_000_000, op, ns, BsonDocument.Parse(o), o2);

    [Fact]
    public void An_insert_is_shaped_as_MongoDB_shapes_it()
    {
        var entry = Entry(OpType.Insert, "shop.items", "{ _id: 1, sku: 'a' }");

        var change = Assert.Single(new ChangeEventShaper(Items, FullDocumentMode.Default, 100).Shape(entry));

        var token = new ResumeToken(ResumeTokenKind.After, entry.OpTime);
        Assert.Equal(token, change.Token);
        Assert.Equal(new BsonDocument
        {
            { "_id", token.ToBson() },
            { "operationType", "insert" },
            { "clusterTime", new BsonTimestamp((int)entry.OpTime.Ts.Seconds, 1) },
            { "wallTime", new BsonDateTime(1_800_000_000_000) },
            { "fullDocument", BsonDocument.Parse("{ _id: 1, sku: 'a' }") },
            { "ns", BsonDocument.Parse("{ db: 'shop', coll: 'items' }") },
            { "documentKey", BsonDocument.Parse("{ _id: 1 }") },
        }, change.Document);
    }

    [Fact]
    public void An_update_to_a_document_the_stream_saw_is_described_by_the_fields_it_changed()
    {
        var shaper = new ChangeEventShaper(Items, FullDocumentMode.Default, 100);
        shaper.Shape(Entry(OpType.Insert, "shop.items", "{ _id: 1, a: 1, b: 1, sub: { x: 1 }, arr: [1, 2, 3] }"));

        var change = Assert.Single(shaper.Shape(Entry(OpType.Update, "shop.items", "{ _id: 1, a: 2, sub: { x: 1, y: 2 }, arr: [1, 9], c: 3 }", 1)));

        Assert.Equal("update", change.Document["operationType"].AsString);
        Assert.False(change.Document.Contains("fullDocument"));
        Assert.Equal(BsonDocument.Parse("{ _id: 1 }"), change.Document["documentKey"]);
        Assert.Equal(BsonDocument.Parse("""
            { updatedFields: { a: 2, 'sub.y': 2, 'arr.1': 9, c: 3 }, removedFields: ['b'], truncatedArrays: [{ field: 'arr', newSize: 2 }] }
            """), change.Document["updateDescription"]);
    }

    [Fact]
    public void An_update_carries_the_document_as_of_the_change_when_fullDocument_asks()
    {
        var shaper = new ChangeEventShaper(Items, FullDocumentMode.UpdateLookup, 100);
        shaper.Shape(Entry(OpType.Insert, "shop.items", "{ _id: 1, a: 1 }"));

        var change = Assert.Single(shaper.Shape(Entry(OpType.Update, "shop.items", "{ _id: 1, a: 2 }", 1))).Document;

        Assert.Equal(["_id", "operationType", "clusterTime", "wallTime", "fullDocument", "ns", "documentKey", "updateDescription"], change.Names);
        Assert.Equal(BsonDocument.Parse("{ _id: 1, a: 2 }"), change["fullDocument"]);
    }

    [Fact]
    public void An_update_the_stream_cannot_describe_is_a_replace()
    {
        var shaper = new ChangeEventShaper(Items, FullDocumentMode.Default, 100);
        shaper.Shape(Entry(OpType.Insert, "shop.items", "{ _id: 2, a: 1, b: 2 }"));

        // Never seen before; then only the order of fields changed.
        var unseen = Assert.Single(shaper.Shape(Entry(OpType.Update, "shop.items", "{ _id: 1, a: 2 }", 1))).Document;
        var reordered = Assert.Single(shaper.Shape(Entry(OpType.Update, "shop.items", "{ _id: 2, b: 2, a: 1 }", 2))).Document;

        Assert.Equal("replace", unseen["operationType"].AsString);
        Assert.Equal(BsonDocument.Parse("{ _id: 1, a: 2 }"), unseen["fullDocument"]);
        Assert.Equal("replace", reordered["operationType"].AsString);
    }

    [Fact]
    public void Remembering_no_documents_makes_every_update_a_replace()
    {
        var shaper = new ChangeEventShaper(Items, FullDocumentMode.Default, 0);
        shaper.Shape(Entry(OpType.Insert, "shop.items", "{ _id: 1, a: 1 }"));

        Assert.Equal("replace", Assert.Single(shaper.Shape(Entry(OpType.Update, "shop.items", "{ _id: 1, a: 2 }", 1))).Document["operationType"].AsString);
    }

    [Fact]
    public void A_delete_has_the_document_key_and_no_document()
    {
        var change = Assert.Single(new ChangeEventShaper(Items, FullDocumentMode.UpdateLookup, 100).Shape(Entry(OpType.Delete, "shop.items", "{ _id: 1 }"))).Document;

        Assert.Equal("delete", change["operationType"].AsString);
        Assert.Equal(BsonDocument.Parse("{ _id: 1 }"), change["documentKey"]);
        Assert.False(change.Contains("fullDocument"));
    }

    [Fact]
    public void Dropping_the_watched_collection_is_a_drop_then_an_invalidate()
    {
        var entry = Entry(OpType.Command, "shop.$cmd", "{ drop: 'items' }");

        var events = new ChangeEventShaper(Items, FullDocumentMode.Default, 100).Shape(entry);

        Assert.Equal(["drop", "invalidate"], events.Select(e => e.Document["operationType"].AsString));
        Assert.Equal(BsonDocument.Parse("{ db: 'shop', coll: 'items' }"), events[0].Document["ns"]);
        Assert.Equal([ResumeTokenKind.Invalidating, ResumeTokenKind.Invalidate], events.Select(e => e.Token.Kind));
        Assert.All(events, e => Assert.Equal(entry.OpTime, e.Token.OpTime));
        Assert.False(events[1].Document.Contains("ns"));
    }

    [Fact]
    public void DropDatabase_ends_a_collection_and_a_database_stream_but_not_a_cluster_stream()
    {
        var entry = Entry(OpType.Command, "shop.$cmd", "{ dropDatabase: 1 }");

        var collection = new ChangeEventShaper(Items, FullDocumentMode.Default, 100).Shape(entry);
        var database = new ChangeEventShaper(new ChangeStreamScope("shop", null), FullDocumentMode.Default, 100).Shape(entry);
        var cluster = new ChangeEventShaper(new ChangeStreamScope(null, null), FullDocumentMode.Default, 100).Shape(entry);
        var otherDatabase = new ChangeEventShaper(new ChangeStreamScope("other", null), FullDocumentMode.Default, 100).Shape(entry);

        Assert.Equal(["drop", "invalidate"], collection.Select(e => e.Document["operationType"].AsString));
        Assert.Equal(["dropDatabase", "invalidate"], database.Select(e => e.Document["operationType"].AsString));
        Assert.Equal(BsonDocument.Parse("{ db: 'shop' }"), database[0].Document["ns"]);
        Assert.Equal(["dropDatabase"], cluster.Select(e => e.Document["operationType"].AsString));
        Assert.Equal(ResumeTokenKind.After, cluster[0].Token.Kind);
        Assert.Empty(otherDatabase);
    }

    [Fact]
    public void Other_namespaces_commands_and_no_ops_make_no_events()
    {
        var shaper = new ChangeEventShaper(Items, FullDocumentMode.Default, 100);
        var cluster = new ChangeEventShaper(new ChangeStreamScope(null, null), FullDocumentMode.Default, 100);
        var database = new ChangeEventShaper(new ChangeStreamScope("shop", null), FullDocumentMode.Default, 100);

        Assert.Empty(shaper.Shape(Entry(OpType.Insert, "shop.other", "{ _id: 1 }")));
        Assert.Empty(shaper.Shape(Entry(OpType.Command, "shop.$cmd", "{ create: 'items' }")));
        Assert.Empty(shaper.Shape(Entry(OpType.Command, "shop.$cmd", "{ drop: 'other' }")));
        Assert.Empty(shaper.Shape(Entry(OpType.Noop, "", "{ msg: 'new primary' }")));
        Assert.Empty(cluster.Shape(Entry(OpType.Insert, "admin.users", "{ _id: 1 }")));
        Assert.Empty(cluster.Shape(Entry(OpType.Insert, "local.things", "{ _id: 1 }")));
        Assert.Empty(database.Shape(Entry(OpType.Insert, "shop.system.views", "{ _id: 1 }")));
        Assert.Single(database.Shape(Entry(OpType.Insert, "shop.other", "{ _id: 1 }")));
        Assert.Single(cluster.Shape(Entry(OpType.Insert, "shop.other", "{ _id: 1 }")));
    }
}

public sealed class ChangeStreamSpecTests
{
    private static ChangeStreamSpec Parse(string db, string command) => ChangeStreamSpec.Parse(db, BsonDocument.Parse(command));

    [Fact]
    public void A_collection_a_database_and_the_whole_set_are_watched()
    {
        var collection = Parse("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: {} }], cursor: {} }");
        var database = Parse("shop", "{ aggregate: 1, pipeline: [{ $changeStream: { fullDocument: 'updateLookup' } }], cursor: {} }");
        var cluster = Parse("admin", "{ aggregate: 1, pipeline: [{ $changeStream: { allChangesForCluster: true } }], cursor: {} }");

        Assert.Equal(new ChangeStreamScope("shop", "items"), collection.Scope);
        Assert.Equal("shop.items", collection.Scope.CursorNs);
        Assert.Equal(FullDocumentMode.Default, collection.FullDocument);
        Assert.Null(collection.Start);
        Assert.Equal(new ChangeStreamScope("shop", null), database.Scope);
        Assert.Equal("shop.$cmd.aggregate", database.Scope.CursorNs);
        Assert.Equal(FullDocumentMode.UpdateLookup, database.FullDocument);
        Assert.True(cluster.Scope.IsCluster);
        Assert.Equal("admin.$cmd.aggregate", cluster.Scope.CursorNs);
    }

    [Fact]
    public void Where_a_stream_starts()
    {
        var token = new ResumeToken(ResumeTokenKind.After, new OpTime(new Timestamp(100, 1), 2));
        var invalidate = token with { Kind = ResumeTokenKind.Invalidate };

        var resumed = Parse("shop", $"{{ aggregate: 'items', pipeline: [{{ $changeStream: {{ resumeAfter: {token.ToBson()} }} }}] }}");
        var startedAfter = Parse("shop", $"{{ aggregate: 'items', pipeline: [{{ $changeStream: {{ startAfter: {invalidate.ToBson()} }} }}] }}");
        var at = Parse("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: { startAtOperationTime: Timestamp(100, 1) } }] }");
        var refused = Assert.Throws<ReplicaException>(() =>
            Parse("shop", $"{{ aggregate: 'items', pipeline: [{{ $changeStream: {{ resumeAfter: {invalidate.ToBson()} }} }}] }}"));

        Assert.Equal(token, resumed.Start);
        Assert.Equal(token, startedAfter.Start);
        Assert.Equal(new ResumeToken(ResumeTokenKind.StartAt, new OpTime(new Timestamp(100, 1), OpTime.Null.Term)), at.Start);
        Assert.Equal(ErrorCode.InvalidResumeToken, refused.Code);
        Assert.Contains("startAfter", refused.Message);
    }

    [Theory]
    [InlineData("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: {} }, { $group: { _id: 1 } }] }", ErrorCode.IllegalOperation, "$group is not permitted in a $changeStream pipeline")]
    [InlineData("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: {} }, { $sort: { _id: 1 } }] }", ErrorCode.IllegalOperation, "$sort is not permitted")]
    [InlineData("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: {} }, { $projection: { x: 1 } }] }", ErrorCode.Location40324, "Unrecognized pipeline stage name: '$projection'")]
    [InlineData("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: {} }, { $redact: '$$KEEP' }] }", ErrorCode.Location40324, "'$redact' after $changeStream is not supported")]
    [InlineData("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: {} }, { $changeStream: {} }] }", ErrorCode.Location40324, "only valid as the first stage")]
    [InlineData("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: {} }, { $project: { a: 1, b: 0 } }] }", ErrorCode.BadValue, "cannot exclude 'b' while it includes or computes 'a'")]
    [InlineData("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: {} }, { $project: {} }] }", ErrorCode.BadValue, "$project needs at least one field")]
    [InlineData("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: {} }, { $project: { a: 1, 'a.b': 1 } }] }", ErrorCode.BadValue, "'a.b' and also a path inside or above it")]
    [InlineData("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: {} }, { $project: 1 }] }", ErrorCode.TypeMismatch, "$project takes a document")]
    [InlineData("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: {} }, { $set: { x: { $concat: ['a', 'b'] } } }] }", ErrorCode.Location40324, "'$concat'")]
    [InlineData("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: {} }, { $addFields: { '$x': 1 } }] }", ErrorCode.BadValue, "'$x' is not a field path")]
    [InlineData("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: {} }, { $unset: 5 }] }", ErrorCode.BadValue, "$unset takes a field path")]
    [InlineData("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: {} }, { $unset: ['a', 1] }] }", ErrorCode.BadValue, "$unset takes a field path")]
    [InlineData("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: {} }, { $replaceRoot: { root: '$fullDocument' } }] }", ErrorCode.FailedToParse, "'$replaceRoot.root' is an unknown field")]
    [InlineData("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: {} }, { $replaceRoot: {} }] }", ErrorCode.FailedToParse, "$replaceRoot needs newRoot")]
    [InlineData("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: { bogus: 1 } }] }", ErrorCode.FailedToParse, "$changeStream.bogus")]
    [InlineData("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: 1 }] }", ErrorCode.TypeMismatch, "{ $changeStream: { ...options } }")]
    [InlineData("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: { fullDocument: 'everything' } }] }", ErrorCode.BadValue, "fullDocument")]
    [InlineData("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: { fullDocumentBeforeChange: 'required' } }] }", ErrorCode.BadValue, "pre-images")]
    [InlineData("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: { showExpandedEvents: true } }] }", ErrorCode.BadValue, "showExpandedEvents")]
    [InlineData("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: { startAtOperationTime: 5 } }] }", ErrorCode.TypeMismatch, "startAtOperationTime")]
    [InlineData("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: { startAtOperationTime: Timestamp(1, 1), resumeAfter: { _data: '00' } } }] }", ErrorCode.BadValue, "only one of")]
    [InlineData("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: { allChangesForCluster: true } }] }", ErrorCode.BadValue, "allChangesForCluster")]
    [InlineData("shop", "{ aggregate: 1, pipeline: [{ $changeStream: { allChangesForCluster: true } }] }", ErrorCode.InvalidNamespace, "admin database")]
    [InlineData("admin", "{ aggregate: 1, pipeline: [{ $changeStream: {} }] }", ErrorCode.InvalidNamespace, "allChangesForCluster: true")]
    [InlineData("local", "{ aggregate: 'oplog.rs', pipeline: [{ $changeStream: {} }] }", ErrorCode.InvalidNamespace, "internal local database")]
    [InlineData("shop", "{ aggregate: 'system.views', pipeline: [{ $changeStream: {} }] }", ErrorCode.InvalidNamespace, "system.views")]
    [InlineData("shop", "{ aggregate: 2, pipeline: [{ $changeStream: {} }] }", ErrorCode.TypeMismatch, "aggregate")]
    [InlineData("shop", "{ aggregate: 'items', pipeline: [{ $changeStream: {} }, { $match: { $where: 'x' } }] }", ErrorCode.BadValue, "'$where'")]
    public void Bad_input_gets_a_clear_error(string db, string command, ErrorCode code, string says)
    {
        var e = Assert.Throws<ReplicaException>(() => Parse(db, command));

        Assert.Equal(code, e.Code);
        Assert.Contains(says, e.Message);
    }
}

public sealed class ChangeStreamStagesTests
{
    private static readonly ResumeToken Token = new(ResumeTokenKind.After, new OpTime(new Timestamp(1_800_000_000, 3), 2));

    private static BsonDocument Insert() => BsonDocument.Parse($$"""
        { _id: {{Token.ToBson()}}, operationType: 'insert', clusterTime: Timestamp(1800000000, 3), ns: { db: 'shop', coll: 'items' },
          documentKey: { _id: 7 }, fullDocument: { _id: 7, sku: 'a', qty: 5, secret: 's', lines: [{ sku: 'x', n: 1 }, { sku: 'y', n: 2 }, 3] } }
        """);

    private static BsonDocument? Run(string stages, BsonDocument? changeEvent = null) =>
        ChangeStreamStages.Compile(BsonDocument.Parse($"{{ stages: {stages} }}")["stages"].AsBsonArray, 0).Apply(changeEvent ?? Insert(), Token);

    /// <summary>The event as the stages leave it, without its _id (checked to be the token by every run).</summary>
    private static BsonDocument Shaped(string stages)
    {
        var shaped = Run(stages)!;
        Assert.Equal(Token.ToBson(), shaped["_id"]);
        shaped.Remove("_id");
        return shaped;
    }

    [Theory]
    [InlineData("[{ $project: { operationType: 1, 'fullDocument.sku': 1 } }]", "{ operationType: 'insert', fullDocument: { sku: 'a' } }")]
    [InlineData("[{ $project: { fullDocument: { sku: 1, 'lines.sku': 1 } } }]", "{ fullDocument: { sku: 'a', lines: [{ sku: 'x' }, { sku: 'y' }] } }")]
    [InlineData("[{ $project: { ns: 0, clusterTime: 0, documentKey: 0, 'fullDocument.secret': 0, 'fullDocument.lines.n': 0 } }]",
        "{ operationType: 'insert', fullDocument: { _id: 7, sku: 'a', qty: 5, lines: [{ sku: 'x' }, { sku: 'y' }, 3] } }")]
    [InlineData("[{ $project: { op: '$operationType', coll: '$ns.coll', one: { $literal: 1 }, gone: '$nothing', 'meta.label': 'fixed' } }]",
        "{ op: 'insert', coll: 'items', one: 1, meta: { label: 'fixed' } }")]
    [InlineData("[{ $project: { _id: 1 } }]", "{ }")]
    [InlineData("[{ $addFields: { 'fullDocument.source': '$ns.coll', seen: true, gone: '$nothing' } }, { $project: { fullDocument: { sku: 1, source: 1 }, seen: 1, gone: 1 } }]",
        "{ fullDocument: { sku: 'a', source: 'items' }, seen: true }")]
    [InlineData("[{ $set: { 'ns.coll': 'renamed', 'fullDocument.lines.checked': true } }, { $project: { ns: 1, 'fullDocument.lines': 1 } }]",
        "{ ns: { db: 'shop', coll: 'renamed' }, fullDocument: { lines: [{ sku: 'x', n: 1, checked: true }, { sku: 'y', n: 2, checked: true }, { checked: true }] } }")]
    [InlineData("[{ $unset: ['fullDocument', 'ns.db'] }, { $unset: 'clusterTime' }]", "{ operationType: 'insert', ns: { coll: 'items' }, documentKey: { _id: 7 } }")]
    [InlineData("[{ $replaceRoot: { newRoot: { _id: '$_id', sku: '$fullDocument.sku' } } }]", "{ sku: 'a' }")]
    [InlineData("[{ $replaceWith: { _id: '$_id', key: '$documentKey' } }]", "{ key: { _id: 7 } }")]
    public void Stages_shape_the_event_in_order_as_MongoDB_does(string stages, string expected) =>
        Assert.Equal(BsonDocument.Parse(expected), Shaped(stages));

    [Fact]
    public void A_match_after_a_stage_sees_what_that_stage_made()
    {
        Assert.NotNull(Run("[{ $project: { op: '$operationType' } }, { $match: { op: 'insert' } }]"));
        Assert.Null(Run("[{ $project: { op: '$operationType' } }, { $match: { operationType: 'insert' } }]"));
    }

    [Theory]
    [InlineData("[{ $project: { _id: 0 } }]", "found: { }")]
    [InlineData("[{ $unset: '_id' }]", "found: { }")]
    [InlineData("[{ $set: { _id: '$documentKey' } }]", "found: { \"_id\" : { \"_id\" : 7 } }")]
    [InlineData("[{ $set: { '_id._data': 'x' } }]", "found: { \"_id\" : { \"_data\" : \"x\" } }")]
    [InlineData("[{ $replaceWith: '$fullDocument' }]", "found: { \"_id\" : 7 }")]
    public void An_event_whose_resume_token_a_stage_changed_is_ChangeStreamFatalError(string stages, string found)
    {
        var e = Assert.Throws<ReplicaException>(() => Run(stages));

        Assert.Equal(ErrorCode.ChangeStreamFatalError, e.Code);
        Assert.Contains("was modified by the pipeline", e.Message);
        Assert.Contains($"Expected: {new BsonDocument("_id", Token.ToBson())}", e.Message);
        Assert.Contains(found, e.Message);
    }

    [Fact]
    public void A_new_root_that_is_not_a_document_is_refused_naming_the_event()
    {
        var e = Assert.Throws<ReplicaException>(() => Run("[{ $replaceWith: '$fullDocument.sku' }]"));

        Assert.Equal(ErrorCode.BadValue, e.Code);
        Assert.Contains("$replaceWith must evaluate to a document, but $fullDocument.sku is a (String) in the insert event", e.Message);
    }

    [Fact]
    public void Stages_leave_the_event_they_were_given_as_it_was()
    {
        var changeEvent = Insert();

        Run("[{ $set: { 'fullDocument.qty': 0, 'fullDocument.lines.n': 0 } }, { $unset: 'ns.db' }]", changeEvent);

        Assert.Equal(Insert(), changeEvent);
    }
}

public sealed class ChangeStreamMatchTests
{
    private static readonly BsonDocument Insert = BsonDocument.Parse("""
        { operationType: 'insert', ns: { db: 'shop', coll: 'items' }, documentKey: { _id: 7 }, fullDocument: { _id: 7, qty: 5, tags: ['a', 'b'] } }
        """);

    [Theory]
    [InlineData("{ operationType: 'insert' }", true)]
    [InlineData("{ operationType: 'update' }", false)]
    [InlineData("{ operationType: { $in: ['update', 'insert'] } }", true)]
    [InlineData("{ operationType: { $nin: ['insert'] } }", false)]
    [InlineData("{ 'ns.coll': 'items', 'documentKey._id': 7 }", true)]
    [InlineData("{ 'documentKey._id': 7.0 }", true)]
    [InlineData("{ 'fullDocument.qty': { $gte: 5, $lt: 6 } }", true)]
    [InlineData("{ 'fullDocument.qty': { $gt: 5 } }", false)]
    [InlineData("{ 'fullDocument.qty': { $gt: 'a' } }", false)]
    [InlineData("{ 'fullDocument.tags': 'b' }", true)]
    [InlineData("{ 'fullDocument.missing': null }", true)]
    [InlineData("{ 'fullDocument.missing': { $exists: true } }", false)]
    [InlineData("{ updateDescription: { $exists: false } }", true)]
    [InlineData("{ 'fullDocument.qty': { $ne: 5 } }", false)]
    [InlineData("{ $or: [{ operationType: 'delete' }, { 'fullDocument.qty': 5 }] }", true)]
    [InlineData("{ $and: [{ operationType: 'insert' }, { 'ns.db': 'other' }] }", false)]
    [InlineData("{ $nor: [{ operationType: 'delete' }] }", true)]
    public void Matches_change_events_as_MongoDB_would(string filter, bool matches) =>
        Assert.Equal(matches, ChangeStreamMatch.Compile(BsonDocument.Parse(filter)).Matches(Insert));

    [Theory]
    [InlineData("{ 'fullDocument.sku': { $regex: 'a' } }", "regular expression")]
    [InlineData("{ 'fullDocument.tags': { $size: 2 } }", "'$size'")]
    [InlineData("{ $expr: { $eq: [1, 1] } }", "'$expr'")]
    [InlineData("{ $or: [] }", "$or")]
    [InlineData("{ operationType: { $in: 'insert' } }", "$in")]
    public void Operators_it_does_not_run_are_refused_by_name(string filter, string says)
    {
        var e = Assert.Throws<ReplicaException>(() => ChangeStreamMatch.Compile(BsonDocument.Parse(filter)));

        Assert.Equal(ErrorCode.BadValue, e.Code);
        Assert.Contains(says, e.Message);
    }
}

public sealed class ChangeStreamCursorTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private static readonly OpTime Start = At(100);
    private readonly Akka.TestKit.TestProbe _member;
    private readonly ChangeStreamCursor _cursor;

    public ChangeStreamCursorTests()
    {
        _member = CreateTestProbe();
        var spec = ChangeStreamSpec.Parse("shop", BsonDocument.Parse("{ aggregate: 'items', pipeline: [{ $changeStream: {} }] }"));
        _cursor = new ChangeStreamCursor(42, spec, Start, Unseeded(), 100, 1 << 20);
    }

    private static OpTime At(uint seconds) => new(new Timestamp(seconds, 1), 1);

    /// <summary>A shared tail no stream has started: every stream here fetches from the member on its own.</summary>
    private CommittedOplogTail Unseeded() => new(new MemberChannel(_member, Wait, Wait), TimeSpan.FromMilliseconds(5), 100);

    private static OplogEntry Insert(uint seconds) => new(At(seconds), 0, OpType.Insert, "shop.items", new BsonDocument("_id", (int)seconds), null);

    private void Answer(OpTime after, OpTime commitPoint, params OplogEntry[] entries)
    {
        var fetch = _member.ExpectMsg<FetchOplog>();
        Assert.Equal(after, fetch.After);
        Assert.Equal(MemberChannel.NotAMember, fetch.FromId);
        _member.Reply(new OplogBatch(0, 1, commitPoint, entries, false, At(50), entries.Length > 0 ? entries[^1].OpTime : after));
    }

    private static IEnumerable<int> Ids(BsonDocument cursor) => cursor["nextBatch"].AsBsonArray.Select(e => e["documentKey"]["_id"].AsInt32);

    [Fact]
    public async Task Only_majority_committed_entries_are_released_and_the_rest_are_fetched_again()
    {
        var first = _cursor.NextAsync("nextBatch", null, Wait, DateTime.UtcNow, CancellationToken.None);
        Answer(Start, At(101), Insert(101), Insert(102), Insert(103));
        var firstBatch = await first;

        var second = _cursor.NextAsync("nextBatch", null, Wait, DateTime.UtcNow, CancellationToken.None);
        Answer(At(101), At(101), Insert(102), Insert(103));
        // Nothing new was committed: after a pause the stream asks again from the same place.
        Answer(At(101), At(103), Insert(102), Insert(103));
        var secondBatch = await second;

        Assert.Equal([101], Ids(firstBatch));
        Assert.Equal(new ResumeToken(ResumeTokenKind.After, At(101)).ToBson(), firstBatch["postBatchResumeToken"]);
        Assert.Equal([102, 103], Ids(secondBatch));
        Assert.Equal(new ResumeToken(ResumeTokenKind.After, At(103)).ToBson(), secondBatch["postBatchResumeToken"]);
        Assert.Equal(42L, secondBatch["id"].AsInt64);
    }

    [Fact]
    public async Task A_getMore_ends_at_maxAwait_and_the_next_one_takes_the_answer_of_the_fetch_still_out()
    {
        var started = DateTime.UtcNow;
        var empty = await _cursor.NextAsync("nextBatch", null, TimeSpan.FromMilliseconds(200), DateTime.UtcNow, CancellationToken.None);
        var waited = DateTime.UtcNow - started;
        _member.ExpectMsg<FetchOplog>();
        var asker = _member.LastSender;
        var next = _cursor.NextAsync("nextBatch", null, Wait, DateTime.UtcNow, CancellationToken.None);
        _member.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        asker.Tell(new OplogBatch(0, 1, At(101), [Insert(101)], false, At(50), At(101)), _member.Ref);

        Assert.Empty(empty["nextBatch"].AsBsonArray);
        Assert.Equal(new ResumeToken(ResumeTokenKind.After, Start).ToBson(), empty["postBatchResumeToken"]);
        Assert.InRange(waited, TimeSpan.FromMilliseconds(190), TimeSpan.FromSeconds(3));
        Assert.Equal([101], Ids(await next));
    }

    [Fact]
    public async Task A_batch_size_cuts_the_batch_and_the_token_is_the_last_event_sent()
    {
        var first = _cursor.NextAsync("nextBatch", 2, Wait, DateTime.UtcNow, CancellationToken.None);
        Answer(Start, At(103), Insert(101), Insert(102), Insert(103));
        var firstBatch = await first;
        var rest = await _cursor.NextAsync("nextBatch", 2, Wait, DateTime.UtcNow, CancellationToken.None);

        Assert.Equal([101, 102], Ids(firstBatch));
        Assert.Equal(new ResumeToken(ResumeTokenKind.After, At(102)).ToBson(), firstBatch["postBatchResumeToken"]);
        Assert.Equal([103], Ids(rest));
        _member.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task A_start_time_not_after_the_oldest_entry_held_is_ChangeStreamHistoryLost_and_says_where_the_oplog_begins()
    {
        var spec = ChangeStreamSpec.Parse("shop", BsonDocument.Parse("{ aggregate: 'items', pipeline: [{ $changeStream: { startAtOperationTime: Timestamp(200, 1) } }] }"));
        var cursor = new ChangeStreamCursor(44, spec, Start, Unseeded(), 100, 1 << 20);
        var next = cursor.NextAsync("nextBatch", null, Wait, DateTime.UtcNow, CancellationToken.None);
        _member.ExpectMsg<FetchOplog>();
        _member.Reply(new OplogBatch(0, 1, At(300), [], true, At(200), At(300)));

        var e = await Assert.ThrowsAsync<ReplicaException>(() => next);
        Assert.Equal(ErrorCode.ChangeStreamHistoryLost, e.Code);
        Assert.Contains("startAtOperationTime Timestamp(200, 1) is not after Timestamp(200, 1), the oldest entry this member's oplog still holds", e.Message);
    }

    [Fact]
    public async Task A_resume_point_older_than_the_oplog_is_ChangeStreamHistoryLost_and_one_it_never_had_is_fatal()
    {
        var lost = _cursor.NextAsync("nextBatch", null, Wait, DateTime.UtcNow, CancellationToken.None);
        _member.ExpectMsg<FetchOplog>();
        _member.Reply(new OplogBatch(0, 1, At(300), [], true, At(200), At(300)));
        var e = await Assert.ThrowsAsync<ReplicaException>(() => lost);

        var spec = ChangeStreamSpec.Parse("shop", BsonDocument.Parse("{ aggregate: 'items', pipeline: [{ $changeStream: {} }] }"));
        var foreign = new ChangeStreamCursor(43, spec, At(250), Unseeded(), 100, 1 << 20);
        var check = foreign.CheckStartAsync(CancellationToken.None);
        _member.ExpectMsg<FetchOplog>();
        _member.Reply(new OplogBatch(0, 1, At(300), [], true, At(200), At(300)));
        var fatal = await Assert.ThrowsAsync<ReplicaException>(() => check);

        Assert.Equal(ErrorCode.ChangeStreamHistoryLost, e.Code);
        Assert.Contains("no longer in this member's oplog", e.Message);
        Assert.Equal(ErrorCode.ChangeStreamFatalError, fatal.Code);
    }

    [Fact]
    public async Task Streams_on_one_listener_share_one_fetch_and_each_gets_every_committed_entry()
    {
        var spec = ChangeStreamSpec.Parse("shop", BsonDocument.Parse("{ aggregate: 'items', pipeline: [{ $changeStream: {} }] }"));
        var tail = new CommittedOplogTail(new MemberChannel(_member, Wait, Wait), TimeSpan.FromMilliseconds(5), 100);
        tail.Seed(Start);
        var streams = Enumerable.Range(0, 3).Select(n => new ChangeStreamCursor(50 + n, spec, Start, tail, 100, 1 << 20)).ToList();
        var batches = streams.Select(s => s.NextAsync("nextBatch", null, Wait, DateTime.UtcNow, CancellationToken.None)).ToList();
        Answer(Start, At(102), Insert(101), Insert(102), Insert(103));
        var first = await Task.WhenAll(batches);

        var next = streams.Select(s => s.NextAsync("nextBatch", null, Wait, DateTime.UtcNow, CancellationToken.None)).ToList();
        // The tail asks once more for what was not yet committed, for all three.
        Answer(At(102), At(103), Insert(103));
        var second = await Task.WhenAll(next);

        Assert.All(first, batch => Assert.Equal([101, 102], Ids(batch)));
        Assert.All(second, batch => Assert.Equal([103], Ids(batch)));
        Assert.All(second, batch => Assert.Equal(new ResumeToken(ResumeTokenKind.After, At(103)).ToBson(), batch["postBatchResumeToken"]));
    }

    [Fact]
    public async Task A_stream_older_than_the_shared_tail_reads_on_its_own_until_it_reaches_the_tail()
    {
        var spec = ChangeStreamSpec.Parse("shop", BsonDocument.Parse("{ aggregate: 'items', pipeline: [{ $changeStream: {} }] }"));
        var tail = new CommittedOplogTail(new MemberChannel(_member, Wait, Wait), TimeSpan.FromMilliseconds(5), 100);
        tail.Seed(At(102));
        var behind = new ChangeStreamCursor(60, spec, Start, tail, 100, 1 << 20);

        var first = behind.NextAsync("nextBatch", null, Wait, DateTime.UtcNow, CancellationToken.None);
        Answer(Start, At(102), Insert(101), Insert(102));
        var firstBatch = await first;
        var second = behind.NextAsync("nextBatch", null, Wait, DateTime.UtcNow, CancellationToken.None);
        // Now at the tail's start: the tail's own fetch serves it.
        Answer(At(102), At(103), Insert(103));
        var secondBatch = await second;

        Assert.Equal([101, 102], Ids(firstBatch));
        Assert.Equal([103], Ids(secondBatch));
        var third = behind.NextAsync("nextBatch", null, Wait, DateTime.UtcNow, CancellationToken.None);
        Answer(At(103), At(104), Insert(104));
        Assert.Equal([104], Ids(await third));
    }

    [Fact]
    public async Task A_shared_tail_whose_position_the_member_lost_stops_and_the_stream_hears_ChangeStreamHistoryLost_from_its_own_fetch()
    {
        var spec = ChangeStreamSpec.Parse("shop", BsonDocument.Parse("{ aggregate: 'items', pipeline: [{ $changeStream: {} }] }"));
        var tail = new CommittedOplogTail(new MemberChannel(_member, Wait, Wait), TimeSpan.FromMilliseconds(5), 100);
        tail.Seed(Start);
        var stream = new ChangeStreamCursor(70, spec, Start, tail, 100, 1 << 20);

        var next = stream.NextAsync("nextBatch", null, Wait, DateTime.UtcNow, CancellationToken.None);
        // The tail's fetch: its head is no longer in the member's oplog.
        Assert.Equal(Start, _member.ExpectMsg<FetchOplog>().After);
        _member.Reply(new OplogBatch(0, 1, At(300), [], true, At(200), At(300)));
        // The stream, left on its own, fetches from its position and hears why.
        Assert.Equal(Start, _member.ExpectMsg<FetchOplog>().After);
        _member.Reply(new OplogBatch(0, 1, At(300), [], true, At(200), At(300)));

        var e = await Assert.ThrowsAsync<ReplicaException>(() => next);
        Assert.Equal(ErrorCode.ChangeStreamHistoryLost, e.Code);
    }

    [Fact]
    public async Task A_drop_of_the_watched_collection_ends_the_stream_with_an_invalidate()
    {
        var drop = new OplogEntry(At(102), 0, OpType.Command, "shop.$cmd", new BsonDocument("drop", "items"), null);
        var next = _cursor.NextAsync("nextBatch", null, Wait, DateTime.UtcNow, CancellationToken.None);
        Answer(Start, At(103), Insert(101), drop, Insert(103));
        var batch = await next;

        Assert.Equal(["insert", "drop", "invalidate"], batch["nextBatch"].AsBsonArray.Select(e => e["operationType"].AsString));
        Assert.Equal(0L, batch["id"].AsInt64);
        Assert.True(_cursor.Closed);
        Assert.Equal(new ResumeToken(ResumeTokenKind.Invalidate, At(102)).ToBson(), batch["postBatchResumeToken"]);
    }
}
