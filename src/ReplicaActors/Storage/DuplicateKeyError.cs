using System.Globalization;
using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage;

/// <summary>The unique-index violation, worded as MongoDB words it so users and drivers recognise it.</summary>
public static class DuplicateKeyError
{
    public static ReplicaException Create(string ns, string indexName, IEnumerable<string> fields, IEnumerable<BsonValue> values)
    {
        var shown = fields.Zip(values, (field, value) => $"{field}: {Show(value)}");
        return new ReplicaException(ErrorCode.DuplicateKey,
            $"E11000 duplicate key error collection: {ns} index: {indexName} dup key: {{ {string.Join(", ", shown)} }}");
    }

    private static string Show(BsonValue value) => value.BsonType switch
    {
        BsonType.String => $"\"{value.AsString}\"",
        BsonType.ObjectId => $"ObjectId('{value.AsObjectId}')",
        BsonType.Int32 or BsonType.Int64 => value.ToInt64().ToString(CultureInfo.InvariantCulture),
        BsonType.Double => value.AsDouble.ToString("0.0##############", CultureInfo.InvariantCulture),
        BsonType.Null => "null",
        BsonType.Undefined => "undefined",
        BsonType.Document => $"{{ {string.Join(", ", value.AsBsonDocument.Select(e => $"{e.Name}: {Show(e.Value)}"))} }}",
        BsonType.Array => $"[ {string.Join(", ", value.AsBsonArray.Select(Show))} ]",
        _ => value.ToString() ?? "",
    };
}
