using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Wire;

/// <summary>
/// The stages after <c>$changeStream</c>, run over each event in order as MongoDB runs them: <c>$match</c>
/// (<see cref="ChangeStreamMatch"/>), <c>$project</c>, <c>$addFields</c> and <c>$set</c>, <c>$unset</c>,
/// <c>$replaceRoot</c> and <c>$replaceWith</c>. Expressions are field paths, constants, <c>$literal</c> and documents
/// of those (<see cref="Pipeline.Expression"/>); field names may be dotted paths into the event. A stage MongoDB does
/// not allow in a change stream is <see cref="ErrorCode.IllegalOperation"/>, as in mongod; an event whose <c>_id</c>
/// (its resume token) a stage changed or removed is <see cref="ErrorCode.ChangeStreamFatalError"/> when it comes.
/// Stages never change the event they are given (the stream's shaper keeps the documents it holds).
/// </summary>
public sealed class ChangeStreamStages
{
    /// <summary>MongoDB's stages, to tell one a change stream may not run (IllegalOperation) from a name no server knows.</summary>
    private static readonly HashSet<string> MongoDbStages =
    [
        "$addFields", "$bucket", "$bucketAuto", "$changeStream", "$changeStreamSplitLargeEvent", "$collStats", "$count",
        "$currentOp", "$densify", "$documents", "$facet", "$fill", "$geoNear", "$graphLookup", "$group", "$indexStats",
        "$limit", "$listLocalSessions", "$listSampledQueries", "$listSearchIndexes", "$listSessions", "$lookup", "$match",
        "$merge", "$out", "$planCacheStats", "$project", "$redact", "$replaceRoot", "$replaceWith", "$sample", "$search",
        "$searchMeta", "$set", "$setWindowFields", "$skip", "$sort", "$sortByCount", "$unionWith", "$unset", "$unwind",
        "$vectorSearch",
    ];

    private const string Supported = "$match, $project, $addFields, $set, $unset, $replaceRoot, $replaceWith";

    private readonly IReadOnlyList<Func<BsonDocument, BsonDocument?>> _stages;

    private ChangeStreamStages(IReadOnlyList<Func<BsonDocument, BsonDocument?>> stages) => _stages = stages;

    /// <summary>Compiles <paramref name="pipeline"/>'s stages from index <paramref name="first"/> on; a stage it cannot run is refused, naming it.</summary>
    public static ChangeStreamStages Compile(BsonArray pipeline, int first)
    {
        var stages = new List<Func<BsonDocument, BsonDocument?>>();
        for (var i = first; i < pipeline.Count; i++)
        {
            if (pipeline[i] is not BsonDocument { ElementCount: 1 } stage)
                throw new ReplicaException(ErrorCode.TypeMismatch, $"pipeline stage {i} must be a document with exactly one field");
            var (name, argument) = (stage.GetElement(0).Name, stage[0]);
            stages.Add(name switch
            {
                "$match" => Match(argument, i),
                "$project" => Projection.Compile(Document(argument, name), name).Apply,
                "$addFields" or "$set" => AddFields(Document(argument, name), name),
                "$unset" => Unset(argument),
                "$replaceRoot" => ReplaceRoot(Document(argument, name)),
                "$replaceWith" => ReplaceWith(argument, name),
                "$changeStream" => throw new ReplicaException(ErrorCode.Location40324, "$changeStream is only valid as the first stage in a pipeline"),
                "$redact" or "$changeStreamSplitLargeEvent" =>
                    throw new ReplicaException(ErrorCode.Location40324, $"the stage '{name}' after $changeStream is not supported by ReplicaActors (supported: {Supported})"),
                _ when MongoDbStages.Contains(name) =>
                    throw new ReplicaException(ErrorCode.IllegalOperation, $"{name} is not permitted in a $changeStream pipeline (allowed: {Supported})"),
                _ => throw new ReplicaException(ErrorCode.Location40324, $"Unrecognized pipeline stage name: '{name}'"),
            });
        }
        return new ChangeStreamStages(stages);
    }

    /// <summary>
    /// The event as the stages leave it, or null when a <c>$match</c> dropped it. Throws
    /// <see cref="ErrorCode.ChangeStreamFatalError"/> when its <c>_id</c> is no longer <paramref name="token"/>: a client
    /// could not resume from it.
    /// </summary>
    public BsonDocument? Apply(BsonDocument changeEvent, ResumeToken token)
    {
        BsonDocument? current = changeEvent;
        foreach (var stage in _stages)
        {
            current = stage(current);
            if (current is null) return null;
        }
        var expected = token.ToBson();
        if (!current.TryGetValue("_id", out var id) || !id.Equals(expected))
            throw new ReplicaException(ErrorCode.ChangeStreamFatalError,
                "Encountered an event whose _id field, which contains the resume token, was modified by the pipeline. Modifying the _id field of an event "
                + "makes it impossible to resume the stream from that point. Only transformations that retain the unmodified _id field are allowed. "
                + $"Expected: {new BsonDocument("_id", expected)} but found: {(id is null ? new BsonDocument() : new BsonDocument("_id", id))}");
        return current;
    }

    private static Func<BsonDocument, BsonDocument?> Match(BsonValue argument, int index)
    {
        var match = ChangeStreamMatch.Compile(argument as BsonDocument
                                              ?? throw new ReplicaException(ErrorCode.TypeMismatch, $"$match (stage {index}) takes a document, not {argument.BsonType}"));
        return changeEvent => match.Matches(changeEvent) ? changeEvent : null;
    }

    /// <summary><c>$addFields</c> (alias <c>$set</c>): each field set to its expression, read from the event as it came in.</summary>
    private static Func<BsonDocument, BsonDocument?> AddFields(BsonDocument spec, string stage)
    {
        var fields = FieldPaths.Flatten(spec, stage).ToList();
        foreach (var (_, expression) in fields) Check(expression);
        return changeEvent =>
        {
            var values = fields.Select(f => (f.Path, Value: Pipeline.Expression.Evaluate(f.Expression, changeEvent))).ToList();
            var result = changeEvent.DeepClone().AsBsonDocument;
            // A path to nothing adds nothing, as in MongoDB.
            foreach (var (path, value) in values)
                if (value is not null) FieldPaths.Set(result, path, value.DeepClone());
            return result;
        };
    }

    private static Func<BsonDocument, BsonDocument?> Unset(BsonValue argument)
    {
        var paths = argument switch
        {
            BsonString one => [one.Value],
            BsonArray { Count: > 0 } many when many.All(p => p.IsString) => many.Select(p => p.AsString).ToList(),
            _ => throw new ReplicaException(ErrorCode.BadValue, $"$unset takes a field path or a non-empty array of them, not {argument}"),
        };
        var spec = new BsonDocument();
        foreach (var path in paths)
        {
            FieldPaths.CheckName(path, "$unset");
            spec[path] = 0;
        }
        return Projection.Compile(spec, "$unset").Apply;
    }

    private static Func<BsonDocument, BsonDocument?> ReplaceRoot(BsonDocument spec)
    {
        if (spec.Names.FirstOrDefault(n => n != "newRoot") is { } unknown)
            throw new ReplicaException(ErrorCode.FailedToParse, $"BSON field '$replaceRoot.{unknown}' is an unknown field (it takes only newRoot)");
        if (!spec.TryGetValue("newRoot", out var newRoot))
            throw new ReplicaException(ErrorCode.FailedToParse, "$replaceRoot needs newRoot, the expression of the new document");
        return ReplaceWith(newRoot, "$replaceRoot.newRoot");
    }

    private static Func<BsonDocument, BsonDocument?> ReplaceWith(BsonValue expression, string stage)
    {
        Check(expression);
        return changeEvent => Pipeline.Expression.Evaluate(expression, changeEvent) switch
        {
            BsonDocument root => root.DeepClone().AsBsonDocument,
            var other => throw new ReplicaException(ErrorCode.BadValue,
                $"{stage} must evaluate to a document, but {expression} is {(other is null ? "missing" : $"{other} ({other.BsonType})")} in the {changeEvent.GetValue("operationType", "")} event {changeEvent["_id"]}"),
        };
    }

    /// <summary>Refuses an expression operator this server does not run when the stream opens, not at its first event.</summary>
    private static void Check(BsonValue expression) => Pipeline.Expression.Evaluate(expression, []);

    private static BsonDocument Document(BsonValue argument, string stage) =>
        argument as BsonDocument ?? throw new ReplicaException(ErrorCode.TypeMismatch, $"{stage} takes a document, not {argument.BsonType}");

    /// <summary>
    /// <c>$project</c> (and <c>$unset</c>, an exclusion): a tree of the paths it names. Included fields keep the
    /// event's order and computed ones follow; <c>_id</c> stays unless excluded by name; inclusion and exclusion do
    /// not mix (but for <c>_id</c>). Arrays on a path are projected element by element, as in MongoDB.
    /// </summary>
    private sealed class Projection
    {
        private readonly Dictionary<string, Projection> _branches = new();
        private readonly HashSet<string> _kept = [];
        private readonly HashSet<string> _excluded = [];
        private readonly Dictionary<string, BsonValue> _computed = new();

        /// <summary>Computed fields and branches in the order the spec names them: the order they are added in when the event lacks them.</summary>
        private readonly List<string> _added = [];

        private bool _inclusion;

        public static Projection Compile(BsonDocument spec, string stage)
        {
            if (spec.ElementCount == 0)
                throw new ReplicaException(ErrorCode.BadValue, $"{stage} needs at least one field");
            var root = new Projection();
            var leaves = FieldPaths.Flatten(spec, stage).ToList();
            var included = leaves.FirstOrDefault(l => l.Path != "_id" && !IsExcluding(l.Expression));
            var excluded = leaves.FirstOrDefault(l => l.Path != "_id" && IsExcluding(l.Expression));
            if (included.Path is not null && excluded.Path is not null)
                throw new ReplicaException(ErrorCode.BadValue, $"{stage} cannot exclude '{excluded.Path}' while it includes or computes '{included.Path}': a projection does one or the other (but for _id)");
            // { _id: 1 } alone keeps only the _id; { _id: 0 } alone drops only it.
            root._inclusion = included.Path is not null || leaves.All(l => l.Path == "_id" && !IsExcluding(l.Expression));
            if (root._inclusion && !spec.Contains("_id")) root._kept.Add("_id");
            foreach (var (path, expression) in leaves) root.Add(path.Split('.'), 0, path, expression, stage);
            return root;
        }

        private static bool IsExcluding(BsonValue value) => value is BsonBoolean or BsonInt32 or BsonInt64 or BsonDouble or BsonDecimal128 && !value.ToBoolean();

        private static bool IsIncluding(BsonValue value) => value is BsonBoolean or BsonInt32 or BsonInt64 or BsonDouble or BsonDecimal128 && value.ToBoolean();

        private void Add(string[] parts, int at, string path, BsonValue expression, string stage)
        {
            var name = parts[at];
            var taken = _kept.Contains(name) || _excluded.Contains(name) || _computed.ContainsKey(name);
            if (at < parts.Length - 1)
            {
                if (taken) throw Collision(path, stage);
                if (!_branches.TryGetValue(name, out var branch))
                {
                    _branches[name] = branch = new Projection { _inclusion = _inclusion };
                    _added.Add(name);
                }
                branch.Add(parts, at + 1, path, expression, stage);
                return;
            }
            if (taken || _branches.ContainsKey(name)) throw Collision(path, stage);
            if (IsIncluding(expression)) _kept.Add(name);
            else if (IsExcluding(expression)) _excluded.Add(name);
            else
            {
                Check(expression);
                _computed[name] = expression;
                _added.Add(name);
            }
        }

        private static ReplicaException Collision(string path, string stage) =>
            new(ErrorCode.BadValue, $"{stage} names '{path}' and also a path inside or above it");

        public BsonDocument? Apply(BsonDocument changeEvent) => Project(changeEvent, changeEvent);

        private BsonDocument Project(BsonDocument document, BsonDocument root)
        {
            var result = new BsonDocument();
            foreach (var element in document)
            {
                if (_branches.TryGetValue(element.Name, out var branch))
                {
                    if (branch.Nested(element.Value, root) is { } value) result[element.Name] = value;
                }
                else if (_inclusion ? _kept.Contains(element.Name) : !_excluded.Contains(element.Name))
                {
                    result[element.Name] = element.Value.DeepClone();
                }
            }
            foreach (var name in _added)
            {
                if (_computed.TryGetValue(name, out var expression))
                {
                    if (Pipeline.Expression.Evaluate(expression, root) is { } value) result[name] = value.DeepClone();
                }
                // A computed field inside a path the event lacks is still added, with the path made for it.
                else if (!document.Contains(name) && _branches[name].Project([], root) is { ElementCount: > 0 } made)
                {
                    result[name] = made;
                }
            }
            return result;
        }

        /// <summary>What a path through <paramref name="value"/> leaves of it; null: nothing (an included path through a scalar).</summary>
        private BsonValue? Nested(BsonValue value, BsonDocument root) => value switch
        {
            BsonDocument inner => Project(inner, root),
            BsonArray array => new BsonArray(array.Select(item => Nested(item, root)).Where(item => item is not null)),
            _ => _inclusion ? null : value.DeepClone(),
        };
    }

    /// <summary>Dotted field paths in stage specifications, and setting a value at one.</summary>
    private static class FieldPaths
    {
        /// <summary>
        /// Every leaf of <paramref name="spec"/> as a dotted path and its value: a document whose first field is not an
        /// operator names paths inside (<c>{ fullDocument: { sku: 1 } }</c> is <c>fullDocument.sku</c>).
        /// </summary>
        public static IEnumerable<(string Path, BsonValue Expression)> Flatten(BsonDocument spec, string stage, string prefix = "")
        {
            foreach (var element in spec)
            {
                CheckName(element.Name, stage);
                var path = prefix + element.Name;
                if (element.Value is BsonDocument { ElementCount: > 0 } inner && !inner.GetElement(0).Name.StartsWith('$'))
                {
                    foreach (var leaf in Flatten(inner, stage, path + ".")) yield return leaf;
                }
                else yield return (path, element.Value);
            }
        }

        public static void CheckName(string path, string stage)
        {
            if (path.Length == 0 || path.StartsWith('$') || path.Split('.').Any(p => p.Length == 0))
                throw new ReplicaException(ErrorCode.BadValue, $"{stage}: '{path}' is not a field path (no empty parts, no leading '$')");
        }

        /// <summary>Sets <paramref name="path"/> in <paramref name="document"/>: a missing or non-document field on the way becomes a document; an array gets it in every element.</summary>
        public static void Set(BsonDocument document, string path, BsonValue value)
        {
            var dot = path.IndexOf('.');
            if (dot < 0)
            {
                document[path] = value;
                return;
            }
            var (name, rest) = (path[..dot], path[(dot + 1)..]);
            switch (document.GetValue(name, BsonNull.Value))
            {
                case BsonDocument inner:
                    Set(inner, rest, value);
                    break;
                case BsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        if (array[i] is not BsonDocument item) array[i] = item = [];
                        Set(item, rest, value);
                    }
                    break;
                default:
                    var created = new BsonDocument();
                    Set(created, rest, value);
                    document[name] = created;
                    break;
            }
        }
    }
}
