using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Wire;

/// <summary>One change event as the stream sends it, and the token that resumes after it.</summary>
public sealed record ChangeEvent(BsonDocument Document, ResumeToken Token);

/// <summary>
/// Turns one stream's oplog entries, in order, into change events shaped as MongoDB shapes them. The oplog logs an
/// update as the whole resulting document, so an update's <c>updateDescription</c> is the difference from the
/// document's previous version, which the shaper remembers from the entries it has seen (up to
/// <paramref name="rememberedDocuments"/>, then it starts over). Where it has not seen the previous version, or only
/// the field order changed, the event is a <c>replace</c> with the whole document.
/// </summary>
public sealed class ChangeEventShaper(ChangeStreamScope scope, FullDocumentMode fullDocument, int rememberedDocuments)
{
    private readonly Dictionary<(string Ns, BsonValue Id), BsonDocument> _latest = new();

    public IReadOnlyList<ChangeEvent> Shape(OplogEntry entry)
    {
        if (entry.Op == OpType.Noop) return [];
        var dot = entry.Ns.IndexOf('.');
        if (dot <= 0) return [];
        var db = entry.Ns[..dot];
        var collection = entry.Ns[(dot + 1)..];
        if (entry.Op == OpType.Command) return Command(entry, db);
        if (!scope.Watches(db, collection)) return [];
        var token = new ResumeToken(ResumeTokenKind.After, entry.OpTime);
        switch (entry.Op)
        {
            case OpType.Insert:
            {
                var id = entry.O["_id"];
                Remember(entry.Ns, id, entry.O);
                return [new ChangeEvent(Event(token, "insert", entry, Ns(db, collection), id, ("fullDocument", entry.O)), token)];
            }
            case OpType.Update:
            {
                var id = entry.O2 ?? entry.O["_id"];
                var before = _latest.GetValueOrDefault((entry.Ns, id));
                Remember(entry.Ns, id, entry.O);
                if (before is not null && UpdateDescription(before, entry.O) is { } description)
                {
                    var update = Event(token, "update", entry, Ns(db, collection), id, ("updateDescription", description));
                    if (fullDocument != FullDocumentMode.Default) update.InsertAt(4, new BsonElement("fullDocument", entry.O));
                    return [new ChangeEvent(update, token)];
                }
                return [new ChangeEvent(Event(token, "replace", entry, Ns(db, collection), id, ("fullDocument", entry.O)), token)];
            }
            case OpType.Delete:
            {
                var id = entry.O["_id"];
                _latest.Remove((entry.Ns, id));
                return [new ChangeEvent(Event(token, "delete", entry, Ns(db, collection), id, null), token)];
            }
            default:
                return [];
        }
    }

    /// <summary>
    /// drop and dropDatabase (other commands make no events here). A drop of the watched collection, or the drop of
    /// its database, ends a collection stream with an invalidate; a dropDatabase ends a database stream the same way.
    /// </summary>
    private IReadOnlyList<ChangeEvent> Command(OplogEntry entry, string db)
    {
        var name = entry.O.ElementCount > 0 ? entry.O.GetElement(0).Name : "";
        if (name == "drop" && entry.O[0].IsString)
        {
            var collection = entry.O[0].AsString;
            if (!scope.Watches(db, collection)) return [];
            Forget(db, collection);
            return Ending(entry, "drop", Ns(db, collection), invalidates: scope.Collection is not null);
        }
        if (name != "dropDatabase" || !scope.WatchesDatabase(db)) return [];
        Forget(db, null);
        return scope.Collection is not null
            ? Ending(entry, "drop", Ns(db, scope.Collection), invalidates: true)
            : Ending(entry, "dropDatabase", new BsonDocument("db", db), invalidates: !scope.IsCluster);
    }

    private static IReadOnlyList<ChangeEvent> Ending(OplogEntry entry, string operationType, BsonDocument ns, bool invalidates)
    {
        var token = new ResumeToken(invalidates ? ResumeTokenKind.Invalidating : ResumeTokenKind.After, entry.OpTime);
        var change = new ChangeEvent(Event(token, operationType, entry, ns, null, null), token);
        return invalidates ? [change, Invalidate(entry.OpTime, entry.WallMillis)] : [change];
    }

    /// <summary>The event that closes a stream whose collection or database was dropped.</summary>
    public static ChangeEvent Invalidate(OpTime opTime, long? wallMillis)
    {
        var token = new ResumeToken(ResumeTokenKind.Invalidate, opTime);
        var document = new BsonDocument
        {
            { "_id", token.ToBson() },
            { "operationType", "invalidate" },
            { "clusterTime", ClusterTimeOf(opTime) },
        };
        if (wallMillis is { } wall) document.Add("wallTime", new BsonDateTime(wall));
        return new ChangeEvent(document, token);
    }

    private static BsonDocument Event(ResumeToken token, string operationType, OplogEntry entry, BsonDocument ns, BsonValue? id, (string Name, BsonValue Value)? extra)
    {
        var document = new BsonDocument
        {
            { "_id", token.ToBson() },
            { "operationType", operationType },
            { "clusterTime", ClusterTimeOf(entry.OpTime) },
            { "wallTime", new BsonDateTime(entry.WallMillis) },
        };
        if (extra is { Name: "fullDocument" } full) document.Add(full.Name, full.Value);
        document.Add("ns", ns);
        if (id is not null) document.Add("documentKey", new BsonDocument("_id", id));
        if (extra is { Name: not "fullDocument" } other) document.Add(other.Name, other.Value);
        return document;
    }

    private static BsonTimestamp ClusterTimeOf(OpTime opTime) => new((int)opTime.Ts.Seconds, (int)opTime.Ts.Increment);

    private static BsonDocument Ns(string db, string collection) => new() { { "db", db }, { "coll", collection } };

    private void Remember(string ns, BsonValue id, BsonDocument document)
    {
        if (_latest.Count >= rememberedDocuments && !_latest.ContainsKey((ns, id))) _latest.Clear();
        if (rememberedDocuments > 0) _latest[(ns, id)] = document;
    }

    /// <summary>Forgets the documents of a dropped collection, or of every collection of a dropped database (null).</summary>
    private void Forget(string db, string? collection)
    {
        var gone = collection is not null
            ? _latest.Keys.Where(k => k.Ns == $"{db}.{collection}")
            : _latest.Keys.Where(k => k.Ns.StartsWith(db + ".", StringComparison.Ordinal));
        foreach (var key in gone.ToList()) _latest.Remove(key);
    }

    /// <summary>
    /// <c>{ updatedFields, removedFields, truncatedArrays }</c> taking <paramref name="before"/> to <paramref name="after"/>,
    /// as MongoDB reports an update: changed and added fields by dotted path (into subdocuments, and array elements by
    /// index), removed fields, arrays cut shorter. Null when no such description says it (only the order of fields changed).
    /// </summary>
    public static BsonDocument? UpdateDescription(BsonDocument before, BsonDocument after)
    {
        if (!SameOrder(before, after)) return null;
        var updated = new BsonDocument();
        var removed = new BsonArray();
        var truncated = new BsonArray();
        Diff(before, after, "", updated, removed, truncated);
        if (updated.ElementCount == 0 && removed.Count == 0 && truncated.Count == 0) return null;
        return new BsonDocument { { "updatedFields", updated }, { "removedFields", removed }, { "truncatedArrays", truncated } };
    }

    private static void Diff(BsonDocument before, BsonDocument after, string prefix, BsonDocument updated, BsonArray removed, BsonArray truncated)
    {
        foreach (var old in before)
            if (!after.Contains(old.Name)) removed.Add(prefix + old.Name);
        foreach (var field in after)
        {
            var path = prefix + field.Name;
            if (!before.TryGetValue(field.Name, out var old)) updated[path] = field.Value;
            else if (old is BsonDocument oldDocument && field.Value is BsonDocument newDocument && SameOrder(oldDocument, newDocument))
                Diff(oldDocument, newDocument, path + ".", updated, removed, truncated);
            else if (old is BsonArray oldArray && field.Value is BsonArray newArray)
            {
                if (newArray.Count < oldArray.Count) truncated.Add(new BsonDocument { { "field", path }, { "newSize", newArray.Count } });
                for (var i = 0; i < newArray.Count; i++)
                    if (i >= oldArray.Count || !oldArray[i].Equals(newArray[i])) updated[$"{path}.{i}"] = newArray[i];
            }
            else if (!old.Equals(field.Value)) updated[path] = field.Value;
        }
    }

    /// <summary>Whether the fields both documents have come in the same order (a diff by path cannot say a reorder).</summary>
    private static bool SameOrder(BsonDocument before, BsonDocument after) =>
        before.Names.Where(after.Contains).SequenceEqual(after.Names.Where(before.Contains));
}
