using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage.Query;

/// <summary>What a document must satisfy to be stored: no <c>$</c>-prefixed field names at any depth, and an <c>_id</c> that is neither an array nor a regex.</summary>
public static class DocumentRules
{
    public static void ValidateForStorage(BsonDocument document)
    {
        if (document.TryGetValue("_id", out var id) && id is BsonArray or BsonRegularExpression)
        {
            throw new ReplicaException(ErrorCode.BadValue, $"_id may not be {(id is BsonArray ? "an array" : "a regular expression")}");
        }

        ValidateNames(document, "");
    }

    /// <summary>Refuses <c>$</c>-prefixed field names anywhere inside the value; <paramref name="path"/> names where it sits.</summary>
    public static void ValidateNames(BsonValue value, string path)
    {
        switch (value)
        {
            case BsonDocument document:
                foreach (var element in document)
                {
                    var at = path.Length == 0 ? element.Name : $"{path}.{element.Name}";
                    if (element.Name.StartsWith('$'))
                    {
                        throw new ReplicaException(ErrorCode.BadValue, $"the dollar ($) prefixed field '{element.Name}' in '{at}' is not valid for storage");
                    }

                    ValidateNames(element.Value, at);
                }

                break;
            case BsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    ValidateNames(array[i], path.Length == 0 ? $"{i}" : $"{path}.{i}");
                }

                break;
        }
    }
}
