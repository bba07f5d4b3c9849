using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage.Query;

/// <summary>The names and numbers <c>$type</c> accepts, as MongoDB spells them.</summary>
internal static class BsonTypeAliases
{
    private static readonly BsonType[] Numbers = [BsonType.Double, BsonType.Int32, BsonType.Int64, BsonType.Decimal128];

    private static readonly Dictionary<string, BsonType> ByName = new(StringComparer.Ordinal)
    {
        ["double"] = BsonType.Double, ["string"] = BsonType.String, ["object"] = BsonType.Document,
        ["array"] = BsonType.Array, ["binData"] = BsonType.Binary, ["undefined"] = BsonType.Undefined,
        ["objectId"] = BsonType.ObjectId, ["bool"] = BsonType.Boolean, ["date"] = BsonType.DateTime,
        ["null"] = BsonType.Null, ["regex"] = BsonType.RegularExpression, ["javascript"] = BsonType.JavaScript,
        ["symbol"] = BsonType.Symbol, ["javascriptWithScope"] = BsonType.JavaScriptWithScope, ["int"] = BsonType.Int32,
        ["timestamp"] = BsonType.Timestamp, ["long"] = BsonType.Int64, ["decimal"] = BsonType.Decimal128,
        ["minKey"] = BsonType.MinKey, ["maxKey"] = BsonType.MaxKey,
    };

    public static IReadOnlySet<BsonType> Resolve(BsonValue argument)
    {
        var items = argument is BsonArray array ? array.ToList() : [argument];
        if (items.Count == 0)
        {
            throw new ReplicaException(ErrorCode.BadValue, "$type needs at least one type");
        }

        return items.SelectMany(One).ToHashSet();
    }

    private static IEnumerable<BsonType> One(BsonValue alias) => alias switch
    {
        BsonString { Value: "number" } => Numbers,
        BsonString s when ByName.TryGetValue(s.Value, out var type) => [type],
        _ when alias.IsNumeric && BsonNumbers.ToDouble(alias) is -1 => [BsonType.MinKey],
        _ when alias.IsNumeric && BsonNumbers.ToDouble(alias) is var n and >= 1 and <= 127 && n == Math.Floor(n)
            && Enum.IsDefined(typeof(BsonType), (int)n) => [(BsonType)(int)n],
        _ => throw new ReplicaException(ErrorCode.BadValue, $"$type has an unknown type alias {alias}"),
    };
}
