using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Wire;

/// <summary>
/// The aggregation pipeline, as far as the member can serve it: a leading <c>$match</c>, <c>$sort</c>, <c>$skip</c>,
/// <c>$limit</c> and <c>$project</c> become one <c>find</c> on the member (or a <c>count</c>, when all that follows is
/// counting, as in drivers' CountDocuments); the stages after that run here over the find's results:
/// <c>$group</c> (<c>$sum</c>, <c>$avg</c>, <c>$min</c>, <c>$max</c>, <c>$first</c>, <c>$last</c>, <c>$push</c>),
/// <c>$count</c>, <c>$sort</c>, <c>$skip</c>, <c>$limit</c>, <c>$unwind</c> and <c>$project</c> (fields kept or dropped,
/// or computed from field paths and constants, as LINQ's projections emit them).
/// </summary>
public sealed record Pipeline(BsonDocument Find, string? CountField, BsonValue? CountGroupId, IReadOnlyList<BsonDocument> Rest)
{
    private static readonly string[] PushedOrder = ["$match", "$sort", "$skip", "$limit", "$project"];
    private static readonly HashSet<string> InMemory = ["$group", "$count", "$sort", "$skip", "$limit", "$unwind", "$project"];

    /// <summary>Whether the member's <c>count</c> answers the whole pipeline (then <see cref="CountField"/> names the result's field).</summary>
    public bool IsCount => CountField is not null;

    public static Pipeline Plan(BsonArray stages)
    {
        var parsed = stages.Select((stage, i) => Stage(stage, i)).ToList();
        var find = new BsonDocument();
        var next = 0;
        var order = 0;
        while (next < parsed.Count)
        {
            var (name, argument) = parsed[next];
            var at = Array.IndexOf(PushedOrder, name, order);
            if (at < 0 || name == "$project" && !IsPlainProjection(argument)) break;
            find[name switch { "$match" => "filter", "$project" => "projection", _ => name[1..] }] = argument;
            order = at + 1;
            next++;
        }
        var rest = parsed.Skip(next).ToList();
        foreach (var (name, _) in rest)
        {
            if (name is "$match")
                throw new ReplicaException(ErrorCode.Location40324, "$match is supported only as the first stage here");
            if (!InMemory.Contains(name))
                throw new ReplicaException(ErrorCode.Location40324, $"Unrecognized pipeline stage name: '{name}' (supported: $match, $sort, $skip, $limit, $project, $group, $count, $unwind)");
        }
        var pipeline = new Pipeline(find, null, null, rest.Select(s => new BsonDocument(s.Name, s.Argument)).ToList());
        // Order and shape do not change a count, so a leading $sort or $project is no reason to fetch documents.
        return CountOnly(rest) is var (field, groupId)
            ? pipeline with { CountField = field, CountGroupId = groupId, Rest = [] }
            : pipeline;
    }

    /// <summary><c>{$group: {_id: constant, n: {$sum: 1}}}</c> or <c>{$count: "n"}</c> as the only stage left.</summary>
    private static (string Field, BsonValue? GroupId)? CountOnly(List<(string Name, BsonValue Argument)> rest)
    {
        if (rest.Count != 1) return null;
        var (name, argument) = rest[0];
        if (name == "$count" && argument.IsString) return (argument.AsString, null);
        if (name != "$group" || argument is not BsonDocument group || group.ElementCount != 2 || !group.Contains("_id")) return null;
        var id = group["_id"];
        if (id.IsString && id.AsString.StartsWith('$') || id is BsonDocument) return null;
        var counter = group.Elements.First(e => e.Name != "_id");
        return counter.Value is BsonDocument { ElementCount: 1 } sum && sum.GetElement(0).Name == "$sum" && sum[0].IsNumeric && sum[0].ToDouble() == 1
            ? (counter.Name, id)
            : null;
    }

    private static (string Name, BsonValue Argument) Stage(BsonValue stage, int index)
    {
        if (stage is not BsonDocument { ElementCount: 1 } document)
            throw new ReplicaException(ErrorCode.TypeMismatch, $"pipeline stage {index} must be a document with exactly one field");
        var name = document.GetElement(0).Name;
        if (name is "$changeStream")
            throw new ReplicaException(ErrorCode.Location40324, "$changeStream is only valid as the first stage in a pipeline");
        return (name, document[0]);
    }

    /// <summary>The result of a count-only pipeline, given the member's count: no document at all when nothing matched.</summary>
    public IReadOnlyList<BsonDocument> CountResult(long n)
    {
        if (n == 0) return [];
        var count = n <= int.MaxValue ? (BsonValue)(int)n : n;
        return CountGroupId is { } id
            ? [new BsonDocument { { "_id", id }, { CountField!, count } }]
            : [new BsonDocument(CountField!, count)];
    }

    /// <summary>Runs the stages after the find over its results.</summary>
    public IReadOnlyList<BsonDocument> Run(IReadOnlyList<BsonDocument> documents)
    {
        IReadOnlyList<BsonDocument> current = documents;
        foreach (var stage in Rest)
        {
            var argument = stage[0];
            current = stage.GetElement(0).Name switch
            {
                "$group" => Group(current, argument),
                "$count" => argument.IsString && argument.AsString.Length > 0 && !argument.AsString.StartsWith('$')
                    ? current.Count == 0 ? [] : [new BsonDocument(argument.AsString, current.Count)]
                    : throw new ReplicaException(ErrorCode.BadValue, "$count takes a non-empty field name that does not start with '$'"),
                "$sort" => Sort(current, argument),
                "$skip" => current.Skip((int)Math.Min(Number(argument, "$skip"), int.MaxValue)).ToList(),
                "$limit" => current.Take((int)Math.Min(Number(argument, "$limit"), int.MaxValue)).ToList(),
                "$unwind" => Unwind(current, argument),
                "$project" => current.Select(d => Project(d, argument)).ToList(),
                var name => throw new ReplicaException(ErrorCode.Location40324, $"Unrecognized pipeline stage name: '{name}'"),
            };
        }
        return current;
    }

    private static long Number(BsonValue value, string stage) =>
        value.IsNumeric && value.ToDouble() >= 0 && value.ToDouble() == Math.Floor(value.ToDouble())
            ? value.ToInt64()
            : throw new ReplicaException(ErrorCode.BadValue, $"{stage} takes a non-negative whole number, got {value}");

    private static List<BsonDocument> Group(IReadOnlyList<BsonDocument> documents, BsonValue argument)
    {
        if (argument is not BsonDocument spec || !spec.TryGetValue("_id", out var idExpression))
            throw new ReplicaException(ErrorCode.FailedToParse, "$group needs a document with an _id expression");
        var accumulators = spec.Elements.Where(e => e.Name != "_id").Select(e => Accumulator.Parse(e.Name, e.Value)).ToList();
        var groups = new Dictionary<BsonValue, List<BsonDocument>>();
        var order = new List<BsonValue>();
        foreach (var document in documents)
        {
            var key = Expression.Evaluate(idExpression, document) ?? BsonNull.Value;
            if (!groups.TryGetValue(key, out var members))
            {
                groups[key] = members = [];
                order.Add(key);
            }
            members.Add(document);
        }
        return order.Select(key =>
        {
            var result = new BsonDocument("_id", key);
            foreach (var accumulator in accumulators) result[accumulator.Field] = accumulator.Over(groups[key]);
            return result;
        }).ToList();
    }

    private static List<BsonDocument> Sort(IReadOnlyList<BsonDocument> documents, BsonValue argument)
    {
        if (argument is not BsonDocument { ElementCount: > 0 } keys || keys.Any(k => !k.Value.IsNumeric || Math.Abs(k.Value.ToDouble()) != 1))
            throw new ReplicaException(ErrorCode.BadValue, "$sort takes a document of fields, each 1 or -1");
        return documents.OrderBy(d => d, Comparer<BsonDocument>.Create((a, b) =>
        {
            foreach (var key in keys)
            {
                var compared = Compare(Expression.Path(a, key.Name), Expression.Path(b, key.Name));
                if (compared != 0) return key.Value.ToDouble() > 0 ? compared : -compared;
            }
            return 0;
        })).ToList();
    }

    /// <summary>Missing sorts first (as null does), then MongoDB.Bson's order of types and values.</summary>
    internal static int Compare(BsonValue? a, BsonValue? b) => (a ?? BsonNull.Value).CompareTo(b ?? BsonNull.Value);

    /// <summary>Only 0/1/true/false per field: what the member's find projection understands.</summary>
    private static bool IsPlainProjection(BsonValue argument) =>
        argument is BsonDocument fields && fields.All(f => f.Value.IsNumeric || f.Value.IsBoolean);

    private static BsonDocument Project(BsonDocument document, BsonValue argument)
    {
        if (argument is not BsonDocument { ElementCount: > 0 } fields)
            throw new ReplicaException(ErrorCode.BadValue, "$project takes a non-empty document of fields");
        static bool Kept(BsonValue v) => v.IsNumeric ? v.ToDouble() != 0 : v.ToBoolean();
        var excluding = fields.Where(f => f.Name != "_id").All(f => (f.Value.IsNumeric || f.Value.IsBoolean) && !Kept(f.Value));
        if (excluding)
        {
            var kept = new BsonDocument(document);
            foreach (var field in fields)
                if (!Kept(field.Value)) kept.Remove(field.Name);
            return kept;
        }
        var result = new BsonDocument();
        if (!fields.TryGetValue("_id", out var id) || (id.IsNumeric || id.IsBoolean) && Kept(id))
            if (document.TryGetValue("_id", out var value)) result["_id"] = value;
        foreach (var field in fields)
        {
            if (field.Name == "_id" && (field.Value.IsNumeric || field.Value.IsBoolean)) continue;
            var computed = field.Value switch
            {
                BsonBoolean or BsonInt32 or BsonInt64 or BsonDouble when Kept(field.Value) => Expression.Path(document, field.Name),
                BsonBoolean or BsonInt32 or BsonInt64 or BsonDouble =>
                    throw new ReplicaException(ErrorCode.Location40324, $"$project cannot exclude '{field.Name}' while it includes or computes other fields"),
                _ => Expression.Evaluate(field.Value, document),
            };
            if (computed is not null) result[field.Name] = computed;
        }
        return result;
    }

    private static List<BsonDocument> Unwind(IReadOnlyList<BsonDocument> documents, BsonValue argument)
    {
        var path = argument switch
        {
            BsonString s => s.Value,
            BsonDocument d when d.TryGetValue("path", out var p) && p.IsString => p.AsString,
            _ => throw new ReplicaException(ErrorCode.FailedToParse, "$unwind takes a field path ('$field') or {path: '$field'}"),
        };
        var keepEmpty = argument is BsonDocument options && options.GetValue("preserveNullAndEmptyArrays", false).ToBoolean();
        if (!path.StartsWith('$') || path.Length < 2 || path.Contains('.'))
            throw new ReplicaException(ErrorCode.BadValue, $"$unwind takes a top-level field path such as '$tags', got '{path}'");
        var field = path[1..];
        var result = new List<BsonDocument>();
        foreach (var document in documents)
        {
            if (document.TryGetValue(field, out var value) && value is BsonArray { Count: > 0 } array)
            {
                foreach (var item in array) result.Add(new BsonDocument(document) { [field] = item });
            }
            else if (value is not null and not BsonArray && !value.IsBsonNull) result.Add(document);
            else if (keepEmpty) result.Add(document);
        }
        return result;
    }

    /// <summary>
    /// Field paths (<c>"$a.b"</c>), constants, <c>$literal</c>, and documents of those: what $group keys and
    /// accumulators, computed $project fields and the stages after $changeStream take. Null: a path to nothing.
    /// </summary>
    internal static class Expression
    {
        public static BsonValue? Evaluate(BsonValue expression, BsonDocument document) => expression switch
        {
            BsonString s when s.Value.StartsWith('$') => Path(document, s.Value[1..]),
            BsonDocument { ElementCount: 1 } literal when literal.GetElement(0).Name == "$literal" => literal[0],
            BsonDocument d when d.ElementCount > 0 && d.GetElement(0).Name.StartsWith('$') =>
                throw new ReplicaException(ErrorCode.Location40324, $"the expression operator '{d.GetElement(0).Name}' is not supported here"),
            BsonDocument d => new BsonDocument(d.Select(e => new BsonElement(e.Name, Evaluate(e.Value, document) ?? BsonNull.Value))),
            _ => expression,
        };

        public static BsonValue? Path(BsonDocument document, string path)
        {
            BsonValue current = document;
            foreach (var part in path.Split('.'))
            {
                if (current is not BsonDocument inner || !inner.TryGetValue(part, out var next)) return null;
                current = next;
            }
            return current;
        }
    }

    private sealed record Accumulator(string Field, string Operator, BsonValue Argument)
    {
        public static Accumulator Parse(string field, BsonValue spec) =>
            spec is BsonDocument { ElementCount: 1 } d && d.GetElement(0).Name is "$sum" or "$avg" or "$min" or "$max" or "$first" or "$last" or "$push" or "$count"
                ? new Accumulator(field, d.GetElement(0).Name, d[0])
                : throw new ReplicaException(ErrorCode.Location40324, $"$group field '{field}' needs one accumulator: $sum, $avg, $min, $max, $first, $last, $push or $count");

        public BsonValue Over(List<BsonDocument> documents)
        {
            var values = documents.Select(d => Expression.Evaluate(Argument, d)).ToList();
            return Operator switch
            {
                "$count" => documents.Count,
                "$sum" => Sum(values),
                "$avg" => values.Where(v => v is { IsNumeric: true }).Select(v => v!.ToDouble()).DefaultIfEmpty(double.NaN).Average() is var avg && !double.IsNaN(avg) ? avg : BsonNull.Value,
                "$min" => values.Where(v => v is not null && !v.IsBsonNull).Min(Comparer<BsonValue?>.Create(Compare)) ?? BsonNull.Value,
                "$max" => values.Where(v => v is not null && !v.IsBsonNull).Max(Comparer<BsonValue?>.Create(Compare)) ?? BsonNull.Value,
                "$first" => values.FirstOrDefault() ?? BsonNull.Value,
                "$last" => values.LastOrDefault() ?? BsonNull.Value,
                _ => new BsonArray(values.Where(v => v is not null)),
            };
        }

        /// <summary>Ints stay ints while they fit, then longs; any double makes a double (MongoDB's widening).</summary>
        private static BsonValue Sum(List<BsonValue?> values)
        {
            long whole = 0;
            double total = 0;
            bool anyDouble = false, anyLong = false;
            foreach (var value in values)
            {
                switch (value)
                {
                    case BsonInt32 i: whole += i.Value; break;
                    case BsonInt64 l: whole += l.Value; anyLong = true; break;
                    case BsonDouble d: total += d.Value; anyDouble = true; break;
                    case BsonDecimal128 m: total += (double)m.Value; anyDouble = true; break;
                }
            }
            if (anyDouble) return total + whole;
            return !anyLong && whole is >= int.MinValue and <= int.MaxValue ? (int)whole : whole;
        }
    }
}
