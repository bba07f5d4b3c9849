using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage;

/// <summary>
/// Encodes a BSON value so that values MongoDB considers equal get equal bytes: numbers of any type by
/// their exact value (1, 1L, 1.0 and NumberDecimal("1.00") are one key), strings and symbols alike,
/// documents (field order counts, as in MongoDB) and arrays element by element. Used for _id and index keys;
/// every part is self-delimiting, so concatenations stay unambiguous. Equality only: the bytes do not sort
/// in MongoDB's order.
/// </summary>
public static class KeyEncoder
{
    public static byte[] Encode(BsonValue value)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
            Write(writer, value);
        return stream.ToArray();
    }

    /// <summary>A document as initial sync moves it: its canonical _id key and its BSON bytes.</summary>
    public static ClonedDocument Clone(BsonDocument doc) => new(Encode(doc["_id"]), doc.ToBson());

    private static void Write(BinaryWriter w, BsonValue value)
    {
        switch (value.BsonType)
        {
            case BsonType.Double:
            case BsonType.Int32:
            case BsonType.Int64:
            case BsonType.Decimal128:
                w.Write((byte)KeyTag.Number);
                CanonicalNumber.Write(w, value);
                break;
            case BsonType.String:
            case BsonType.Symbol:
                w.Write((byte)KeyTag.String);
                w.Write(value.IsString ? value.AsString : value.AsBsonSymbol.Name);
                break;
            case BsonType.Document:
                var doc = value.AsBsonDocument;
                w.Write((byte)KeyTag.Document);
                w.Write(doc.ElementCount);
                foreach (var element in doc)
                {
                    w.Write(element.Name);
                    Write(w, element.Value);
                }
                break;
            case BsonType.Array:
                var array = value.AsBsonArray;
                w.Write((byte)KeyTag.Array);
                w.Write(array.Count);
                foreach (var item in array) Write(w, item);
                break;
            case BsonType.Binary:
                var binary = value.AsBsonBinaryData;
                w.Write((byte)KeyTag.Binary);
                w.Write((byte)binary.SubType);
                w.Write(binary.Bytes.Length);
                w.Write(binary.Bytes);
                break;
            case BsonType.ObjectId:
                w.Write((byte)KeyTag.ObjectId);
                w.Write(value.AsObjectId.ToByteArray());
                break;
            case BsonType.Boolean:
                w.Write((byte)KeyTag.Boolean);
                w.Write(value.AsBoolean);
                break;
            case BsonType.DateTime:
                w.Write((byte)KeyTag.DateTime);
                w.Write(value.AsBsonDateTime.MillisecondsSinceEpoch);
                break;
            case BsonType.Timestamp:
                w.Write((byte)KeyTag.Timestamp);
                w.Write(value.AsBsonTimestamp.Value);
                break;
            case BsonType.RegularExpression:
                var regex = value.AsBsonRegularExpression;
                w.Write((byte)KeyTag.Regex);
                w.Write(regex.Pattern);
                w.Write(regex.Options);
                break;
            case BsonType.JavaScript:
                w.Write((byte)KeyTag.JavaScript);
                w.Write(value.AsBsonJavaScript.Code);
                break;
            case BsonType.JavaScriptWithScope:
                w.Write((byte)KeyTag.JavaScriptWithScope);
                w.Write(value.AsBsonJavaScriptWithScope.Code);
                Write(w, value.AsBsonJavaScriptWithScope.Scope);
                break;
            case BsonType.Null:
                w.Write((byte)KeyTag.Null);
                break;
            case BsonType.Undefined:
                w.Write((byte)KeyTag.Undefined);
                break;
            case BsonType.MinKey:
                w.Write((byte)KeyTag.MinKey);
                break;
            case BsonType.MaxKey:
                w.Write((byte)KeyTag.MaxKey);
                break;
            default:
                throw new ReplicaException(ErrorCode.BadValue, $"a value of BSON type {value.BsonType} cannot be used as a key");
        }
    }

    /// <summary>One tag per group of values MongoDB can consider equal, so different groups never collide.</summary>
    private enum KeyTag : byte
    {
        MinKey = 1, Undefined, Null, Number, String, Document, Array, Binary, ObjectId, Boolean, DateTime,
        Timestamp, Regex, JavaScript, JavaScriptWithScope, MaxKey,
    }
}
