using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Config;

/// <summary>
/// Reads typed fields out of a BSON document for the parsers of configs and command options.
/// <paramref name="where"/> names the document in messages ("config", "member 2 (h:1)", "writeConcern").
/// Numbers are accepted in any BSON numeric type when the value fits, as MongoDB accepts them.
/// </summary>
internal sealed class BsonFieldReader(BsonDocument document, string where)
{
    public string Where { get; } = where;

    /// <summary>Refuses any field not in <paramref name="known"/>, with <paramref name="code"/>.</summary>
    public void RefuseUnknown(IReadOnlySet<string> known, ErrorCode code = ErrorCode.BadValue)
    {
        foreach (var element in document)
            if (!known.Contains(element.Name))
                throw new ReplicaException(code, $"{Where}: unknown field '{element.Name}'");
    }

    public bool Has(string field) => document.Contains(field);

    public BsonValue Required(string field, ErrorCode missingCode) =>
        document.TryGetValue(field, out var value)
            ? value
            : throw new ReplicaException(missingCode, $"{Where}: field '{field}' is required");

    public string String(string field, ErrorCode missingCode)
    {
        var value = Required(field, missingCode);
        return value.IsString ? value.AsString : throw Mismatch(field, "a string", value);
    }

    public bool Bool(string field, bool fallback)
    {
        if (!document.TryGetValue(field, out var value)) return fallback;
        return value.IsBoolean ? value.AsBoolean : throw Mismatch(field, "a boolean", value);
    }

    public double Double(string field, double fallback) =>
        document.TryGetValue(field, out var value) ? ToDouble(field, value) : fallback;

    public long Long(string field, long fallback) =>
        document.TryGetValue(field, out var value) ? ToLong(field, value) : fallback;

    public long RequiredLong(string field, ErrorCode missingCode) => ToLong(field, Required(field, missingCode));

    public int Int(string field, int fallback) => FitInt(field, Long(field, fallback));

    public int RequiredInt(string field, ErrorCode missingCode) => FitInt(field, RequiredLong(field, missingCode));

    private int FitInt(string field, long value) =>
        value is >= int.MinValue and <= int.MaxValue
            ? (int)value
            : throw new ReplicaException(ErrorCode.BadValue, $"{Where}: field '{field}' is out of range: {value}");

    public BsonDocument? Document(string field)
    {
        if (!document.TryGetValue(field, out var value) || value.IsBsonNull) return null;
        return value.IsBsonDocument ? value.AsBsonDocument : throw Mismatch(field, "a document", value);
    }

    public BsonArray Array(string field, ErrorCode missingCode)
    {
        var value = Required(field, missingCode);
        return value.IsBsonArray ? value.AsBsonArray : throw Mismatch(field, "an array", value);
    }

    public double ToDouble(string field, BsonValue value) =>
        value.IsNumeric ? value.ToDouble() : throw Mismatch(field, "a number", value);

    public long ToLong(string field, BsonValue value)
    {
        if (value.IsInt32 || value.IsInt64) return value.ToInt64();
        if (value.IsDouble && Math.Floor(value.AsDouble) == value.AsDouble && Math.Abs(value.AsDouble) < 9e15)
            return (long)value.AsDouble;
        throw Mismatch(field, "an integer", value);
    }

    public ReplicaException Mismatch(string field, string expected, BsonValue got) =>
        new(ErrorCode.TypeMismatch, $"{Where}: field '{field}' must be {expected}, got {got.BsonType} {got}");
}
