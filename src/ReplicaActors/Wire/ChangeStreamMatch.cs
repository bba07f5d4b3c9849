using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Wire;

/// <summary>
/// The <c>$match</c> after <c>$changeStream</c>, run over each event here (the wire layer may not use the store's
/// query engine): equality and <c>$eq</c>, <c>$ne</c>, <c>$in</c>, <c>$nin</c>, <c>$exists</c>, <c>$gt</c>, <c>$gte</c>,
/// <c>$lt</c>, <c>$lte</c> on dotted paths (an array field matches when any element does), and <c>$and</c>, <c>$or</c>,
/// <c>$nor</c>. Anything else is refused when the stream opens, naming the operator.
/// </summary>
public sealed class ChangeStreamMatch
{
    private const string Supported = "$eq, $ne, $in, $nin, $exists, $gt, $gte, $lt, $lte, $and, $or, $nor";
    private readonly Func<BsonDocument, bool> _matches;

    private ChangeStreamMatch(Func<BsonDocument, bool> matches) => _matches = matches;

    public bool Matches(BsonDocument changeEvent) => _matches(changeEvent);

    public static ChangeStreamMatch Compile(BsonDocument filter) => new(Document(filter));

    private static Func<BsonDocument, bool> Document(BsonDocument filter)
    {
        var conditions = filter.Elements.Select(element => element.Name switch
        {
            "$and" => Logical(element, all => all.All(c => c)),
            "$or" => Logical(element, all => all.Any(c => c)),
            "$nor" => Logical(element, all => !all.Any(c => c)),
            var name when name.StartsWith('$') => throw Unsupported(name),
            var path => Field(path, element.Value),
        }).ToList();
        return changeEvent => conditions.All(condition => condition(changeEvent));
    }

    private static Func<BsonDocument, bool> Logical(BsonElement element, Func<IEnumerable<bool>, bool> combine)
    {
        if (element.Value is not BsonArray { Count: > 0 } clauses || clauses.Any(c => c is not BsonDocument))
            throw new ReplicaException(ErrorCode.BadValue, $"{element.Name} in the $match after $changeStream takes a non-empty array of documents");
        var compiled = clauses.Select(c => Document(c.AsBsonDocument)).ToList();
        return changeEvent => combine(compiled.Select(c => c(changeEvent)));
    }

    private static Func<BsonDocument, bool> Field(string path, BsonValue condition)
    {
        if (condition is BsonRegularExpression)
            throw new ReplicaException(ErrorCode.BadValue, $"'{path}': regular expressions in the $match after $changeStream are not supported by ReplicaActors (supported: {Supported})");
        if (condition is not BsonDocument { ElementCount: > 0 } operators || !operators.GetElement(0).Name.StartsWith('$'))
            return changeEvent => AnyValue(changeEvent, path, value => Equal(value, condition));
        var tests = operators.Elements.Select(op => Operator(path, op)).ToList();
        return changeEvent => tests.All(test => test(changeEvent));
    }

    private static Func<BsonDocument, bool> Operator(string path, BsonElement op)
    {
        switch (op.Name)
        {
            case "$eq":
                return e => AnyValue(e, path, v => Equal(v, op.Value));
            case "$ne":
                return e => !AnyValue(e, path, v => Equal(v, op.Value));
            case "$in":
                var allowed = List(op);
                return e => AnyValue(e, path, v => allowed.Any(a => Equal(v, a)));
            case "$nin":
                var refused = List(op);
                return e => !AnyValue(e, path, v => refused.Any(a => Equal(v, a)));
            case "$exists":
                var wanted = op.Value.ToBoolean();
                return e => Pipeline.Expression.Path(e, path) is not null == wanted;
            case "$gt" or "$gte" or "$lt" or "$lte":
                return e => AnyValue(e, path, v => Comparable(v, op.Value) && Compare(op.Name, v.CompareTo(op.Value)));
            default:
                throw Unsupported(op.Name);
        }
    }

    private static bool Compare(string op, int order) => op switch
    {
        "$gt" => order > 0,
        "$gte" => order >= 0,
        "$lt" => order < 0,
        _ => order <= 0,
    };

    private static BsonArray List(BsonElement op) =>
        op.Value as BsonArray ?? throw new ReplicaException(ErrorCode.BadValue, $"{op.Name} in the $match after $changeStream takes an array, not {op.Value.BsonType}");

    /// <summary>A missing field matches null, as in MongoDB; an array matches when it equals or one of its elements does.</summary>
    private static bool AnyValue(BsonDocument changeEvent, string path, Func<BsonValue, bool> test)
    {
        var value = Pipeline.Expression.Path(changeEvent, path) ?? BsonNull.Value;
        return test(value) || value is BsonArray array && array.Any(test);
    }

    /// <summary>Numbers compare by value whatever their BSON type (1 equals 1L and 1.0); other values by type and content.</summary>
    private static bool Equal(BsonValue a, BsonValue b) => Comparable(a, b) && a.CompareTo(b) == 0;

    private static bool Comparable(BsonValue a, BsonValue b) => a.IsNumeric && b.IsNumeric || a.BsonType == b.BsonType;

    private static ReplicaException Unsupported(string name) =>
        new(ErrorCode.BadValue, $"the operator '{name}' in the $match after $changeStream is not supported by ReplicaActors (supported: {Supported})");
}
