using MongoDB.Bson;

namespace ReplicaActors.Storage;

/// <summary>One index key of a document: the values at the key pattern's paths, and their canonical encoding.</summary>
internal sealed record IndexKey(BsonValue[] Values, byte[] Encoded);

/// <summary>
/// The keys a document produces for a key pattern, as MongoDB forms them: a missing field is null, an array
/// gives one key per element (multikey; an empty array gives undefined), arrays on a dotted path are walked
/// into, and a compound pattern gives every combination. Duplicates within one document are dropped.
/// </summary>
internal static class IndexKeyGenerator
{
    public static IReadOnlyList<IndexKey> KeysOf(BsonDocument document, BsonDocument keyPattern)
    {
        IEnumerable<BsonValue[]> combinations = [[]];
        foreach (var field in keyPattern.Names)
        {
            var values = ValuesAt(document, field.Split('.'), 0);
            combinations = combinations.SelectMany(prefix => values.Select(v => (BsonValue[])[.. prefix, v])).ToList();
        }
        var keys = new Dictionary<string, IndexKey>();
        foreach (var values in combinations)
        {
            var encoded = KeyEncoder.Encode(new BsonArray(values));
            keys.TryAdd(Convert.ToHexString(encoded), new IndexKey(values, encoded));
        }
        return [.. keys.Values];
    }

    private static List<BsonValue> ValuesAt(BsonValue current, string[] path, int depth)
    {
        if (depth == path.Length)
        {
            if (!current.IsBsonArray) return [current];
            return current.AsBsonArray.Count == 0 ? [BsonUndefined.Value] : [.. current.AsBsonArray];
        }
        if (current.IsBsonDocument)
            return current.AsBsonDocument.TryGetValue(path[depth], out var next) ? ValuesAt(next, path, depth + 1) : [BsonNull.Value];
        if (current.IsBsonArray)
        {
            var found = current.AsBsonArray.Where(item => item.IsBsonDocument).SelectMany(item => ValuesAt(item, path, depth)).ToList();
            return found.Count == 0 ? [BsonNull.Value] : found;
        }
        return [BsonNull.Value];
    }
}
