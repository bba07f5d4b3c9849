using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Wire;

/// <summary>What <c>fullDocument</c> asks for on update events.</summary>
public enum FullDocumentMode
{
    Default,
    UpdateLookup,
    WhenAvailable,
    Required,
}

/// <summary>What a change stream watches: one collection, one database (<c>aggregate: 1</c>), or the whole set (both null).</summary>
public sealed record ChangeStreamScope(string? Db, string? Collection)
{
    /// <summary>Databases and collections MongoDB keeps out of database and cluster streams.</summary>
    private static readonly HashSet<string> InternalDatabases = ["admin", "config", "local"];

    public bool IsCluster => Db is null;

    /// <summary>The cursor's namespace, as drivers send it back in <c>getMore</c>.</summary>
    public string CursorNs => Collection is not null ? $"{Db}.{Collection}" : $"{Db ?? "admin"}.$cmd.aggregate";

    /// <summary>Whether a change to <paramref name="db"/>.<paramref name="collection"/> is in this stream.</summary>
    public bool Watches(string db, string collection)
    {
        if (Collection is not null) return db == Db && collection == Collection;
        if (collection.StartsWith("system.", StringComparison.Ordinal)) return false;
        return Db is not null ? db == Db : !InternalDatabases.Contains(db);
    }

    public bool WatchesDatabase(string db) => Db is null ? !InternalDatabases.Contains(db) : db == Db;

    public static bool IsInternal(string db) => InternalDatabases.Contains(db);
}

/// <summary>
/// An <c>aggregate</c> whose first stage is <c>$changeStream</c>, read and checked: what it watches, where it
/// starts, what <c>fullDocument</c> it wants, and the stages after it.
/// </summary>
public sealed record ChangeStreamSpec(ChangeStreamScope Scope, FullDocumentMode FullDocument, ResumeToken? Start, ChangeStreamStages Stages)
{
    private static readonly HashSet<string> Options =
        ["fullDocument", "fullDocumentBeforeChange", "resumeAfter", "startAfter", "startAtOperationTime", "allChangesForCluster", "showExpandedEvents"];

    /// <summary>Whether the pipeline opens a change stream (then <see cref="Parse"/> reads it).</summary>
    public static bool IsChangeStream(BsonDocument command) =>
        command.GetValue("pipeline", BsonNull.Value) is BsonArray { Count: > 0 } stages
        && stages[0] is BsonDocument { ElementCount: > 0 } first && first.GetElement(0).Name == "$changeStream";

    public static ChangeStreamSpec Parse(string db, BsonDocument command)
    {
        var stages = command["pipeline"].AsBsonArray;
        if (stages[0] is not BsonDocument { ElementCount: 1 } first || first[0] is not BsonDocument options)
            throw new ReplicaException(ErrorCode.TypeMismatch, "the $changeStream stage must be { $changeStream: { ...options } }, a document of one field");
        if (options.Names.FirstOrDefault(name => !Options.Contains(name)) is { } unknown)
            throw new ReplicaException(ErrorCode.FailedToParse, $"BSON field '$changeStream.{unknown}' is an unknown field (known: {string.Join(", ", Options)})");
        var scope = ParseScope(db, command[0], options.GetValue("allChangesForCluster", false));
        if (options.GetValue("showExpandedEvents", false) is not BsonBoolean { Value: false })
            throw new ReplicaException(ErrorCode.BadValue, "$changeStream.showExpandedEvents: only false is supported by ReplicaActors (no create, createIndexes or dropIndexes events)");
        if (options.GetValue("fullDocumentBeforeChange", "off") is not BsonString { Value: "off" })
            throw new ReplicaException(ErrorCode.BadValue, "$changeStream.fullDocumentBeforeChange: only 'off' is supported by ReplicaActors (no pre-images are kept)");
        return new ChangeStreamSpec(scope, ParseFullDocument(options), ParseStart(options), ChangeStreamStages.Compile(stages, 1));
    }

    private static ChangeStreamScope ParseScope(string db, BsonValue target, BsonValue allChangesForCluster)
    {
        if (!allChangesForCluster.IsBoolean)
            throw new ReplicaException(ErrorCode.TypeMismatch, $"$changeStream.allChangesForCluster must be a boolean, not {allChangesForCluster.BsonType}");
        var cluster = allChangesForCluster.AsBoolean;
        if (target.IsString)
        {
            if (cluster) throw new ReplicaException(ErrorCode.BadValue, "$changeStream.allChangesForCluster is only for { aggregate: 1 } on the admin database");
            if (ChangeStreamScope.IsInternal(db))
                throw new ReplicaException(ErrorCode.InvalidNamespace, $"$changeStream may not be opened on the internal {db} database");
            if (target.AsString.Length == 0 || target.AsString.StartsWith("system.", StringComparison.Ordinal))
                throw new ReplicaException(ErrorCode.InvalidNamespace, $"$changeStream may not be opened on the collection '{target.AsString}'");
            return new ChangeStreamScope(db, target.AsString);
        }
        if (!target.IsNumeric || target.ToDouble() != 1)
            throw new ReplicaException(ErrorCode.TypeMismatch, $"'aggregate' takes a collection name, or 1 for a database-wide $changeStream, not {target}");
        if (cluster != (db == "admin"))
            throw new ReplicaException(ErrorCode.InvalidNamespace, cluster
                ? $"$changeStream with allChangesForCluster must run on the admin database, not {db}"
                : "a $changeStream on the admin database must set allChangesForCluster: true (it watches the whole set)");
        if (!cluster && ChangeStreamScope.IsInternal(db))
            throw new ReplicaException(ErrorCode.InvalidNamespace, $"$changeStream may not be opened on the internal {db} database");
        return cluster ? new ChangeStreamScope(null, null) : new ChangeStreamScope(db, null);
    }

    private static FullDocumentMode ParseFullDocument(BsonDocument options) =>
        options.GetValue("fullDocument", "default") switch
        {
            BsonString { Value: "default" } => FullDocumentMode.Default,
            BsonString { Value: "updateLookup" } => FullDocumentMode.UpdateLookup,
            BsonString { Value: "whenAvailable" } => FullDocumentMode.WhenAvailable,
            BsonString { Value: "required" } => FullDocumentMode.Required,
            var other => throw new ReplicaException(ErrorCode.BadValue,
                $"$changeStream.fullDocument must be 'default', 'updateLookup', 'whenAvailable' or 'required', not {other}"),
        };

    private static ResumeToken? ParseStart(BsonDocument options)
    {
        var given = new[] { "resumeAfter", "startAfter", "startAtOperationTime" }.Where(options.Contains).ToList();
        if (given.Count > 1)
            throw new ReplicaException(ErrorCode.BadValue, $"$changeStream takes only one of resumeAfter, startAfter and startAtOperationTime, not {string.Join(" and ", given)}");
        if (options.TryGetValue("startAtOperationTime", out var at))
        {
            if (at is not BsonTimestamp ts)
                throw new ReplicaException(ErrorCode.TypeMismatch, $"$changeStream.startAtOperationTime must be a Timestamp, not {at.BsonType}");
            return new ResumeToken(ResumeTokenKind.StartAt, new OpTime(new Timestamp((uint)ts.Timestamp, (uint)ts.Increment), OpTime.Null.Term));
        }
        if (options.TryGetValue("resumeAfter", out var resumeAfter))
        {
            var token = ResumeToken.Parse(resumeAfter, "resumeAfter");
            if (token.Kind == ResumeTokenKind.Invalidate)
                throw new ReplicaException(ErrorCode.InvalidResumeToken, "$changeStream resumeAfter: the token is an invalidate event's; use startAfter to open a new stream after it");
            return token;
        }
        if (options.TryGetValue("startAfter", out var startAfter))
        {
            var token = ResumeToken.Parse(startAfter, "startAfter");
            // A new stream after an invalidate starts with the entry that follows it, as after any other event.
            return token.Kind == ResumeTokenKind.Invalidate ? token with { Kind = ResumeTokenKind.After } : token;
        }
        return null;
    }
}
