using System.Globalization;
using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage;

/// <summary>An index of a collection: its name, key pattern (<c>{ a: 1, b: -1 }</c>) and whether keys must be unique.</summary>
public sealed record IndexSpec(string Name, BsonDocument Key, bool Unique)
{
    public const string IdIndexName = "_id_";

    /// <summary>Every collection's implicit index on _id, unique by the documents table itself.</summary>
    public static readonly IndexSpec Id = new(IdIndexName, new BsonDocument("_id", 1), Unique: true);

    private static readonly string[] SpecialKinds = ["hashed", "text", "2d", "2dsphere"];

    /// <summary>MongoDB's default name: each field and its direction joined by '_' ("a_1_b_-1").</summary>
    public static string DefaultName(BsonDocument key) =>
        string.Join("_", key.Select(e => $"{e.Name}_{(e.Value.IsNumeric ? e.Value.ToDouble().ToString(CultureInfo.InvariantCulture) : e.Value.ToString())}"));

    /// <summary>Reads one entry of createIndexes' <c>indexes</c> array: <c>{ key, name?, unique? }</c>.</summary>
    public static IndexSpec Parse(BsonValue spec)
    {
        if (!spec.IsBsonDocument)
            throw new ReplicaException(ErrorCode.TypeMismatch, $"an index specification must be a document, not {spec.BsonType}");
        var doc = spec.AsBsonDocument;
        if (!doc.TryGetValue("key", out var key) || !key.IsBsonDocument)
            throw new ReplicaException(ErrorCode.FailedToParse, $"index specification {doc} has no 'key' document");
        ValidateKey(key.AsBsonDocument);
        var name = doc.TryGetValue("name", out var n) ? n : DefaultName(key.AsBsonDocument);
        if (!name.IsString || name.AsString.Length == 0)
            throw new ReplicaException(ErrorCode.TypeMismatch, $"index name in {doc} must be a non-empty string");
        var unique = doc.TryGetValue("unique", out var u) && u.ToBoolean();
        return new IndexSpec(name.AsString, key.AsBsonDocument, unique);
    }

    /// <summary>The spec as listIndexes shows it. The _id_ index is unique without saying so, as in MongoDB.</summary>
    public BsonDocument ToBson()
    {
        var doc = new BsonDocument { { "v", 2 }, { "key", Key }, { "name", Name } };
        if (Unique && Name != IdIndexName) doc.Add("unique", true);
        return doc;
    }

    public static IndexSpec FromBson(BsonDocument doc) =>
        new(doc["name"].AsString, doc["key"].AsBsonDocument, doc.TryGetValue("unique", out var u) && u.ToBoolean());

    /// <summary>Same key pattern by MongoDB's equality ({ a: 1 } and { a: 1.0 } are one pattern).</summary>
    public bool HasSameKey(IndexSpec other) => KeyEncoder.Encode(Key).AsSpan().SequenceEqual(KeyEncoder.Encode(other.Key));

    private static void ValidateKey(BsonDocument key)
    {
        if (key.ElementCount == 0)
            throw new ReplicaException(ErrorCode.CannotCreateIndex, "index key pattern must not be empty");
        foreach (var element in key)
        {
            if (element.Name.Length == 0 || element.Name.Split('.').Any(part => part.Length == 0))
                throw new ReplicaException(ErrorCode.CannotCreateIndex, $"index key pattern {key} has an empty field name");
            var direction = element.Value;
            var valid = direction.IsNumeric ? direction.ToDouble() != 0 : direction.IsString && SpecialKinds.Contains(direction.AsString);
            if (!valid)
                throw new ReplicaException(ErrorCode.CannotCreateIndex,
                    $"bad index key pattern {key}: the value of '{element.Name}' must be a non-zero number or one of {string.Join(", ", SpecialKinds)}");
        }
    }
}
