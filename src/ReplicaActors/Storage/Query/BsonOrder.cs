using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage.Query;

/// <summary>
/// MongoDB's total order over BSON values: first by canonical type (all numbers share one rank, as do
/// strings and symbols, as do null, undefined and a missing value), then by value within the type.
/// A missing value is passed as C# <c>null</c>.
/// </summary>
public sealed class BsonOrder : IComparer<BsonValue>, IEqualityComparer<BsonValue>
{
    public static readonly BsonOrder Instance = new();

    private BsonOrder()
    {
    }

    int IComparer<BsonValue>.Compare(BsonValue? x, BsonValue? y) => Compare(x, y);

    bool IEqualityComparer<BsonValue>.Equals(BsonValue? x, BsonValue? y) => Equal(x, y);

    /// <summary>Consistent with <see cref="Equal"/>: values that compare equal hash alike (numbers by their double value).</summary>
    public int GetHashCode(BsonValue value) => value switch
    {
        _ when value.IsNumeric => BsonNumbers.ToDouble(value).GetHashCode(),
        BsonString s => s.Value.GetHashCode(StringComparison.Ordinal),
        BsonSymbol s => s.Name.GetHashCode(StringComparison.Ordinal),
        BsonNull or BsonUndefined => 0,
        BsonDocument d => d.Aggregate(17, (hash, e) => HashCode.Combine(hash, e.Name, GetHashCode(e.Value))),
        BsonArray a => a.Aggregate(19, (hash, e) => HashCode.Combine(hash, GetHashCode(e))),
        _ => value.GetHashCode(),
    };

    public static bool Equal(BsonValue? a, BsonValue? b) => Compare(a, b) == 0;

    public static int Compare(BsonValue? a, BsonValue? b)
    {
        var byType = TypeRank(a).CompareTo(TypeRank(b));
        if (byType != 0)
        {
            return byType;
        }

        return (a, b) switch
        {
            (null, _) or (_, null) => 0,
            _ when a.IsNumeric => BsonNumbers.Compare(a, b),
            (BsonDocument x, BsonDocument y) => CompareDocuments(x, y),
            (BsonArray x, BsonArray y) => CompareArrays(x, y),
            (BsonBinaryData x, BsonBinaryData y) => CompareBinary(x, y),
            (BsonObjectId x, BsonObjectId y) => x.Value.CompareTo(y.Value),
            (BsonBoolean x, BsonBoolean y) => x.Value.CompareTo(y.Value),
            (BsonDateTime x, BsonDateTime y) => x.MillisecondsSinceEpoch.CompareTo(y.MillisecondsSinceEpoch),
            (BsonTimestamp x, BsonTimestamp y) => ((ulong)x.Value).CompareTo((ulong)y.Value),
            (BsonRegularExpression x, BsonRegularExpression y) => CompareRegex(x, y),
            (BsonJavaScriptWithScope x, BsonJavaScriptWithScope y) => CompareCodeWithScope(x, y),
            (BsonJavaScript x, BsonJavaScript y) => CompareStrings(x.Code, y.Code),
            _ when TextOf(a) is { } x && TextOf(b) is { } y => CompareStrings(x, y),
            _ => 0,
        };
    }

    /// <summary>The canonical type rank: the first key of the order. Null, undefined and missing share one rank.</summary>
    public static int TypeRank(BsonValue? value) => value?.BsonType switch
    {
        null => 2,
        BsonType.MinKey => 1,
        BsonType.Null or BsonType.Undefined => 2,
        BsonType.Int32 or BsonType.Int64 or BsonType.Double or BsonType.Decimal128 => 3,
        BsonType.String or BsonType.Symbol => 4,
        BsonType.Document => 5,
        BsonType.Array => 6,
        BsonType.Binary => 7,
        BsonType.ObjectId => 8,
        BsonType.Boolean => 9,
        BsonType.DateTime => 10,
        BsonType.Timestamp => 11,
        BsonType.RegularExpression => 12,
        BsonType.JavaScript => 13,
        BsonType.JavaScriptWithScope => 14,
        BsonType.MaxKey => 15,
        _ => 16,
    };

    /// <summary>Compares strings by Unicode code point, which is the byte order of their UTF-8 encodings.</summary>
    public static int CompareStrings(string a, string b)
    {
        var x = a.EnumerateRunes();
        var y = b.EnumerateRunes();
        while (true)
        {
            var hasX = x.MoveNext();
            var hasY = y.MoveNext();
            if (!hasX || !hasY)
            {
                return hasX.CompareTo(hasY);
            }

            var byRune = x.Current.Value.CompareTo(y.Current.Value);
            if (byRune != 0)
            {
                return byRune;
            }
        }
    }

    private static string? TextOf(BsonValue value) => value switch
    {
        BsonString s => s.Value,
        BsonSymbol s => s.Name,
        _ => null,
    };

    private static int CompareDocuments(BsonDocument a, BsonDocument b)
    {
        var count = Math.Min(a.ElementCount, b.ElementCount);
        for (var i = 0; i < count; i++)
        {
            var x = a.GetElement(i);
            var y = b.GetElement(i);
            var byType = TypeRank(x.Value).CompareTo(TypeRank(y.Value));
            if (byType != 0)
            {
                return byType;
            }

            var byName = CompareStrings(x.Name, y.Name);
            if (byName != 0)
            {
                return byName;
            }

            var byValue = Compare(x.Value, y.Value);
            if (byValue != 0)
            {
                return byValue;
            }
        }

        return a.ElementCount.CompareTo(b.ElementCount);
    }

    private static int CompareArrays(BsonArray a, BsonArray b)
    {
        var count = Math.Min(a.Count, b.Count);
        for (var i = 0; i < count; i++)
        {
            var byValue = Compare(a[i], b[i]);
            if (byValue != 0)
            {
                return byValue;
            }
        }

        return a.Count.CompareTo(b.Count);
    }

    private static int CompareBinary(BsonBinaryData a, BsonBinaryData b)
    {
        var byLength = a.Bytes.Length.CompareTo(b.Bytes.Length);
        if (byLength != 0)
        {
            return byLength;
        }

        var bySubType = ((byte)a.SubType).CompareTo((byte)b.SubType);
        return bySubType != 0 ? bySubType : a.Bytes.AsSpan().SequenceCompareTo(b.Bytes);
    }

    private static int CompareRegex(BsonRegularExpression a, BsonRegularExpression b)
    {
        var byPattern = CompareStrings(a.Pattern, b.Pattern);
        return byPattern != 0 ? byPattern : CompareStrings(a.Options, b.Options);
    }

    private static int CompareCodeWithScope(BsonJavaScriptWithScope a, BsonJavaScriptWithScope b)
    {
        var byCode = CompareStrings(a.Code, b.Code);
        return byCode != 0 ? byCode : CompareDocuments(a.Scope, b.Scope);
    }
}
