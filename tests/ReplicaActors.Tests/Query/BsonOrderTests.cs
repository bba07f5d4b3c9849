using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Storage.Query;

namespace ReplicaActors.Tests.Query;

public class BsonOrderTests
{
    /// <summary>
    /// One value of every type, in MongoDB's ascending order (numbers, strings, documents and arrays also in order within
    /// their type). Documents compare each field's type before its name, so {a: 'x'} sorts after {b: 0}.
    /// </summary>
    private static readonly string[] Ascending =
    [
        "{$minKey: 1}",
        "null",
        "{$numberDouble: 'NaN'}",
        "{$numberDouble: '-Infinity'}",
        "NumberLong(-5)",
        "-1.5",
        "1",
        "NumberDecimal('1.5')",
        "NumberLong(9007199254740993)",
        "{$numberDouble: 'Infinity'}",
        "''",
        "'B'",
        "'a'",
        "'ab'",
        "'é'",
        "'\uFFFD'",
        "'\U0001F600'",
        "{}",
        "{a: 1}",
        "{b: 0}",
        "{b: 0, c: 0}",
        "{a: 'x'}",
        "[]",
        "[1]",
        "[1, 2]",
        "[2]",
        "BinData(0, 'AQ==')",
        "BinData(1, 'AQ==')",
        "BinData(0, 'AQI=')",
        "ObjectId('000000000000000000000001')",
        "ObjectId('000000000000000000000002')",
        "false",
        "true",
        "new Date(-1000)",
        "new Date(5000)",
        "Timestamp(1, 5)",
        "Timestamp(2, 0)",
        "Timestamp(4000000000, 0)",
        "/a/",
        "/a/i",
        "/b/",
        "{$code: 'f()'}",
        "{$maxKey: 1}",
    ];

    public static TheoryData<int, int> OrderedPairs()
    {
        var data = new TheoryData<int, int>();
        for (var i = 0; i < Ascending.Length; i++)
        {
            for (var j = i; j < Math.Min(Ascending.Length, i + 6); j++)
            {
                data.Add(i, j);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OrderedPairs))]
    public void Values_compare_in_mongodb_order(int lower, int higher)
    {
        var a = Value(Ascending[lower]);
        var b = Value(Ascending[higher]);

        Assert.Equal(Math.Sign(lower.CompareTo(higher)), Math.Sign(BsonOrder.Compare(a, b)));
        Assert.Equal(Math.Sign(higher.CompareTo(lower)), Math.Sign(BsonOrder.Compare(b, a)));
    }

    [Fact]
    public void Sorting_the_shuffled_values_restores_the_order()
    {
        var values = Ascending.Select(Value).ToList();
        var shuffled = values.AsEnumerable().Reverse().Where((_, i) => i % 2 == 0)
            .Concat(values.AsEnumerable().Reverse().Where((_, i) => i % 2 == 1)).ToList();

        shuffled.Sort(BsonOrder.Instance);

        Assert.Equal(values.Select(v => v.ToJson()), shuffled.Select(v => v.ToJson()));
    }

    [Theory]
    [InlineData("1", "1.0")]
    [InlineData("1", "NumberLong(1)")]
    [InlineData("NumberDecimal('1.0')", "1")]
    [InlineData("{$numberDouble: 'NaN'}", "NumberDecimal('NaN')")]
    [InlineData("{a: 1}", "{a: NumberLong(1)}")]
    [InlineData("[1, 2.0]", "[NumberLong(1), 2]")]
    [InlineData("null", "undefined")]
    [InlineData("'x'", "{$symbol: 'x'}")]
    public void Equal_values_of_different_types(string a, string b)
    {
        Assert.True(BsonOrder.Equal(Value(a), Value(b)));
        Assert.Equal(BsonOrder.Instance.GetHashCode(Value(a)), BsonOrder.Instance.GetHashCode(Value(b)));
    }

    [Theory]
    [InlineData("1", "'1'")]
    [InlineData("{a: 1, b: 2}", "{b: 2, a: 1}")]
    [InlineData("NumberLong(9007199254740993)", "9007199254740992.0")]
    [InlineData("0", "false")]
    [InlineData("null", "0")]
    public void Unequal_values(string a, string b) => Assert.False(BsonOrder.Equal(Value(a), Value(b)));

    [Fact]
    public void Missing_compares_as_null()
    {
        Assert.Equal(0, BsonOrder.Compare(null, BsonNull.Value));
        Assert.True(BsonOrder.Compare(null, new BsonInt32(0)) < 0);
        Assert.True(BsonOrder.Compare(BsonMinKey.Value, null) < 0);
    }

    private static BsonValue Value(string json) => BsonDocument.Parse($"{{v: {json}}}")["v"];
}
