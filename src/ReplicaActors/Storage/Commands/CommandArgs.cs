using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage.Commands;

/// <summary>Typed access to a command document's fields, refusing wrong types with an error that names the field.</summary>
internal static class CommandArgs
{
    public static Namespace CollectionNamespace(CommandRequest request)
    {
        var value = request.Command[0];
        if (!value.IsString)
            throw new ReplicaException(ErrorCode.InvalidNamespace, $"'{request.Name}' needs a collection name (a string), got {value.BsonType}");
        var ns = new Namespace(request.Db, value.AsString);
        ns.Validate();
        return ns;
    }

    public static BsonDocument Document(BsonDocument command, string field, bool required = false)
    {
        if (!command.TryGetValue(field, out var value) || value.IsBsonNull)
        {
            if (required) throw new ReplicaException(ErrorCode.FailedToParse, $"'{command.GetElement(0).Name}' needs the field '{field}'");
            return new BsonDocument();
        }
        return value.IsBsonDocument ? value.AsBsonDocument
            : throw new ReplicaException(ErrorCode.TypeMismatch, $"'{field}' must be a document, got {value.BsonType}");
    }

    public static BsonArray Array(BsonDocument command, string field)
    {
        if (!command.TryGetValue(field, out var value))
            throw new ReplicaException(ErrorCode.FailedToParse, $"'{command.GetElement(0).Name}' needs the field '{field}'");
        return value.IsBsonArray ? value.AsBsonArray
            : throw new ReplicaException(ErrorCode.TypeMismatch, $"'{field}' must be an array, got {value.BsonType}");
    }

    public static bool Bool(BsonDocument command, string field, bool defaultValue)
    {
        if (!command.TryGetValue(field, out var value) || value.IsBsonNull) return defaultValue;
        return value.BsonType switch
        {
            BsonType.Boolean => value.AsBoolean,
            BsonType.Int32 or BsonType.Int64 or BsonType.Double => value.ToDouble() != 0,
            _ => throw new ReplicaException(ErrorCode.TypeMismatch, $"'{field}' must be a boolean, got {value.BsonType}"),
        };
    }

    public static long NonNegativeLong(BsonDocument command, string field, long defaultValue)
    {
        if (!command.TryGetValue(field, out var value) || value.IsBsonNull) return defaultValue;
        if (!value.IsNumeric)
            throw new ReplicaException(ErrorCode.TypeMismatch, $"'{field}' must be a number, got {value.BsonType}");
        var number = value.ToDouble();
        if (number < 0 || number != Math.Floor(number))
            throw new ReplicaException(ErrorCode.BadValue, $"'{field}' must be a non-negative whole number, got {number}");
        return (long)number;
    }

    public static string String(BsonDocument command, string field)
    {
        if (!command.TryGetValue(field, out var value))
            throw new ReplicaException(ErrorCode.FailedToParse, $"'{command.GetElement(0).Name}' needs the field '{field}'");
        return value.IsString ? value.AsString
            : throw new ReplicaException(ErrorCode.TypeMismatch, $"'{field}' must be a string, got {value.BsonType}");
    }
}
