using MongoDB.Bson;

namespace ReplicaActors.Storage.Query;

/// <summary>
/// Numbers across int32, int64, double and decimal128: compared by value (NaN below every other number)
/// and combined the way MongoDB's update arithmetic widens them (int32 → int64 on overflow, any double
/// makes a double, any decimal makes a decimal).
/// </summary>
internal static class BsonNumbers
{
    public static double ToDouble(BsonValue value) => value.ToDouble();

    public static bool IsNaN(BsonValue value) => value switch
    {
        BsonDouble d => double.IsNaN(d.Value),
        BsonDecimal128 m => Decimal128.IsNaN(m.Value),
        _ => false,
    };

    public static int Compare(BsonValue a, BsonValue b)
    {
        var (nanA, nanB) = (IsNaN(a), IsNaN(b));
        if (nanA || nanB)
        {
            return nanB.CompareTo(nanA);
        }

        if (IsIntegral(a) && IsIntegral(b))
        {
            return a.ToInt64().CompareTo(b.ToInt64());
        }

        if ((a is BsonDecimal128 || b is BsonDecimal128) && ToDecimal(a) is { } x && ToDecimal(b) is { } y)
        {
            return x.CompareTo(y);
        }

        return (a, b) switch
        {
            _ when IsIntegral(a) => CompareLongToDouble(a.ToInt64(), ToDouble(b)),
            _ when IsIntegral(b) => -CompareLongToDouble(b.ToInt64(), ToDouble(a)),
            _ => ToDouble(a).CompareTo(ToDouble(b)),
        };
    }

    /// <summary>The sum, or null when an int64 or decimal result would overflow.</summary>
    public static BsonValue? Add(BsonValue a, BsonValue b) => Combine(a, b, (x, y) => x + y, (x, y) => x + y, (x, y) => checked(x + y));

    /// <summary>The product, or null when an int64 or decimal result would overflow.</summary>
    public static BsonValue? Multiply(BsonValue a, BsonValue b) => Combine(a, b, (x, y) => x * y, (x, y) => x * y, (x, y) => checked(x * y));

    /// <summary>Zero in the type the argument would give it, as MongoDB sets a missing field under <c>$mul</c>.</summary>
    public static BsonValue ZeroLike(BsonValue value) => value switch
    {
        BsonInt32 => new BsonInt32(0),
        BsonInt64 => new BsonInt64(0),
        BsonDecimal128 => new BsonDecimal128(Decimal128.Zero),
        _ => new BsonDouble(0),
    };

    private static BsonValue? Combine(
        BsonValue a, BsonValue b, Func<decimal, decimal, decimal> onDecimal, Func<double, double, double> onDouble, Func<long, long, long> onLong)
    {
        try
        {
            if (a is BsonDecimal128 || b is BsonDecimal128)
            {
                return ToDecimal(a) is { } x && ToDecimal(b) is { } y ? new BsonDecimal128(new Decimal128(onDecimal(x, y))) : null;
            }

            if (a is BsonDouble || b is BsonDouble)
            {
                return new BsonDouble(onDouble(ToDouble(a), ToDouble(b)));
            }

            if (a is BsonInt64 || b is BsonInt64)
            {
                return new BsonInt64(onLong(a.ToInt64(), b.ToInt64()));
            }

            var result = onLong(a.ToInt64(), b.ToInt64());
            return result is >= int.MinValue and <= int.MaxValue ? new BsonInt32((int)result) : new BsonInt64(result);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static bool IsIntegral(BsonValue value) => value is BsonInt32 or BsonInt64;

    /// <summary>Exact when the value fits System.Decimal; null otherwise, so callers fall back to doubles.</summary>
    private static decimal? ToDecimal(BsonValue value)
    {
        try
        {
            return value switch
            {
                BsonInt32 or BsonInt64 => value.ToInt64(),
                BsonDouble d when !double.IsInfinity(d.Value) && Math.Abs(d.Value) < 7.9e28 => (decimal)d.Value,
                BsonDecimal128 m when !Decimal128.IsInfinity(m.Value) && !Decimal128.IsNaN(m.Value) => Decimal128.ToDecimal(m.Value),
                _ => null,
            };
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    /// <summary>Exact comparison of a long and a double without rounding the long through a double.</summary>
    private static int CompareLongToDouble(long l, double d)
    {
        if (d >= 9223372036854775808.0)
        {
            return -1;
        }

        if (d < -9223372036854775808.0)
        {
            return 1;
        }

        var whole = Math.Truncate(d);
        var byWhole = l.CompareTo((long)whole);
        return byWhole != 0 ? byWhole : whole.CompareTo(d);
    }
}
