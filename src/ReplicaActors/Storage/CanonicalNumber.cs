using System.Globalization;
using System.Numerics;
using MongoDB.Bson;

namespace ReplicaActors.Storage;

/// <summary>
/// Writes a number by its exact value. Every finite double and decimal is a fraction p / (2^a · 5^b); in
/// lowest terms that triple is unique, so 1, 1L, 1.0 and NumberDecimal("1.0") write the same bytes while
/// 0.1 (a double, not exactly a tenth) and NumberDecimal("0.1") stay apart, as MongoDB compares them.
/// </summary>
internal static class CanonicalNumber
{
    private enum Kind : byte { NegativeInfinity, Negative, Zero, Positive, PositiveInfinity, NaN }

    public static void Write(BinaryWriter w, BsonValue number)
    {
        switch (number.BsonType)
        {
            case BsonType.Int32:
            case BsonType.Int64:
                WriteFraction(w, number.ToInt64(), 0, 0);
                break;
            case BsonType.Double:
                WriteDouble(w, number.AsDouble);
                break;
            default:
                WriteDecimal(w, number.AsDecimal128);
                break;
        }
    }

    private static void WriteDouble(BinaryWriter w, double x)
    {
        if (double.IsNaN(x)) { w.Write((byte)Kind.NaN); return; }
        if (double.IsInfinity(x)) { w.Write((byte)(x > 0 ? Kind.PositiveInfinity : Kind.NegativeInfinity)); return; }
        var bits = BitConverter.DoubleToInt64Bits(x);
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xF_FFFF_FFFF_FFFF;
        var (significand, power) = exponent == 0 ? (mantissa, -1074) : (mantissa | (1L << 52), exponent - 1075);
        BigInteger p = x < 0 ? -significand : significand;
        if (power >= 0) WriteFraction(w, p << power, 0, 0);
        else WriteFraction(w, p, -power, 0);
    }

    /// <summary>Decimal128's string form ("-1.50E+3", "0.001", "NaN", "-Infinity") carries its exact value.</summary>
    private static void WriteDecimal(BinaryWriter w, Decimal128 d)
    {
        if (Decimal128.IsNaN(d)) { w.Write((byte)Kind.NaN); return; }
        if (Decimal128.IsInfinity(d)) { w.Write((byte)(Decimal128.IsNegative(d) ? Kind.NegativeInfinity : Kind.PositiveInfinity)); return; }
        var text = d.ToString();
        var e = text.IndexOfAny(['E', 'e']);
        var exponent = e < 0 ? 0 : int.Parse(text[(e + 1)..], CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? text : text[..e];
        var dot = mantissa.IndexOf('.');
        if (dot >= 0)
        {
            exponent -= mantissa.Length - dot - 1;
            mantissa = mantissa.Remove(dot, 1);
        }
        var p = BigInteger.Parse(mantissa, CultureInfo.InvariantCulture);
        if (exponent >= 0) WriteFraction(w, p * BigInteger.Pow(10, exponent), 0, 0);
        else WriteFraction(w, p, -exponent, -exponent);
    }

    /// <summary>Writes p / (2^twos · 5^fives) in lowest terms.</summary>
    private static void WriteFraction(BinaryWriter w, BigInteger p, int twos, int fives)
    {
        if (p.IsZero) { w.Write((byte)Kind.Zero); return; }
        while (twos > 0 && p.IsEven) { p >>= 1; twos--; }
        while (fives > 0 && p % 5 == 0) { p /= 5; fives--; }
        w.Write((byte)(p.Sign < 0 ? Kind.Negative : Kind.Positive));
        w.Write(twos);
        w.Write(fives);
        var magnitude = BigInteger.Abs(p).ToByteArray(isUnsigned: true);
        w.Write(magnitude.Length);
        w.Write(magnitude);
    }
}
