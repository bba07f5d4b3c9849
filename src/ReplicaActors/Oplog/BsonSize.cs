using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Oplog;

/// <summary>
/// A value's encoded BSON size, computed without encoding it: the oplog's size cap and window count
/// bytes on the write path, where serializing every entry a second time would cost as much as the journal's own.
/// </summary>
public static class BsonSize
{
    /// <summary>The size of the entry as the oplog holds it (<see cref="OplogEntry.ToBson"/>).</summary>
    public static long Of(OplogEntry entry)
    {
        // { ts, t, op, ns, o, o2?, wall, wid?, reply? }: each element is a type byte, a name and its terminator, and the value.
        var size = 4L + 1
            + Element("ts", 8) + Element("t", 8) + Element("op", String(OplogEntry.OpCode(entry.Op)))
            + Element("ns", String(entry.Ns)) + Element("o", Of(entry.O)) + Element("wall", 8);
        if (entry.O2 is { } o2) size += Element("o2", 4 + 1 + Element("_id", Of(o2)));
        if (entry.WriteId is { } wid) size += Element("wid", Of(wid));
        if (entry.Reply is { } reply) size += Element("reply", Of(reply));
        return size;
    }

    public static long Of(BsonDocument document)
    {
        var size = 4L + 1;
        foreach (var element in document) size += Element(element.Name, Of(element.Value));
        return size;
    }

    public static long Of(BsonValue value) => value.BsonType switch
    {
        BsonType.Double or BsonType.Int64 or BsonType.DateTime or BsonType.Timestamp => 8,
        BsonType.Int32 => 4,
        BsonType.Boolean => 1,
        BsonType.Decimal128 => 16,
        BsonType.ObjectId => 12,
        BsonType.Null or BsonType.Undefined or BsonType.MinKey or BsonType.MaxKey => 0,
        BsonType.String => String(value.AsString),
        BsonType.Symbol => String(value.AsBsonSymbol.Name),
        BsonType.JavaScript => String(value.AsBsonJavaScript.Code),
        BsonType.JavaScriptWithScope => 4 + String(value.AsBsonJavaScriptWithScope.Code) + Of(value.AsBsonJavaScriptWithScope.Scope),
        BsonType.Binary => 4 + 1 + value.AsBsonBinaryData.Bytes.Length,
        BsonType.RegularExpression => CString(value.AsBsonRegularExpression.Pattern) + CString(value.AsBsonRegularExpression.Options),
        BsonType.Document => Of(value.AsBsonDocument),
        BsonType.Array => OfArray(value.AsBsonArray),
        _ => throw new ArgumentOutOfRangeException(nameof(value), value.BsonType, "no BSON size for this type"),
    };

    private static long OfArray(BsonArray array)
    {
        var size = 4L + 1;
        for (var i = 0; i < array.Count; i++) size += 1 + Digits(i) + 1 + Of(array[i]);
        return size;
    }

    private static long Element(string name, long valueSize) => 1 + CString(name) + valueSize;

    private static long String(string value) => 4 + CString(value);

    private static long CString(string value) => System.Text.Encoding.UTF8.GetByteCount(value) + 1;

    private static int Digits(int index)
    {
        var digits = 1;
        for (; index >= 10; index /= 10) digits++;
        return digits;
    }
}
