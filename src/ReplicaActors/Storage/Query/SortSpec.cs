using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage.Query;

/// <summary>
/// A compiled sort specification. An array sorts by its smallest element ascending and its largest
/// descending; a missing field sorts as null; an empty array sorts below null, as in MongoDB.
/// Equal keys compare as 0, so a stable sort keeps the storage order for ties.
/// </summary>
public sealed class SortSpec : IComparer<BsonDocument>
{
    /// <summary>Stands for an empty array in a sort key: below null, above MinKey.</summary>
    private static readonly BsonValue EmptyArrayKey = BsonUndefined.Value;

    private static readonly IComparer<BsonValue> KeyOrder = Comparer<BsonValue>.Create(CompareKeys);

    private SortSpec(IReadOnlyList<(string Path, bool Ascending)> keys) => Keys = keys;

    public IReadOnlyList<(string Path, bool Ascending)> Keys { get; }

    public static SortSpec Compile(BsonDocument sort) => new(sort.Elements.Select(e =>
    {
        FieldPath.Split(e.Name);
        var direction = e.Value.IsNumeric ? BsonNumbers.ToDouble(e.Value) : 0;
        return direction is 1 or -1
            ? (e.Name, direction > 0)
            : throw new ReplicaException(ErrorCode.BadValue, $"sort direction for '{e.Name}' must be 1 or -1, not {e.Value}");
    }).ToList());

    public int Compare(BsonDocument? x, BsonDocument? y)
    {
        foreach (var (path, ascending) in Keys)
        {
            var order = CompareKeys(KeyOf(x, path, ascending), KeyOf(y, path, ascending));
            if (order != 0)
            {
                return ascending ? order : -order;
            }
        }

        return 0;
    }

    private static BsonValue KeyOf(BsonDocument? document, string path, bool ascending)
    {
        var candidates = document is null
            ? [BsonNull.Value]
            : FieldPath.Resolve(document, path, expandLeafArrays: false).SelectMany(v => v switch
            {
                null => [BsonNull.Value],
                BsonArray { Count: 0 } => [EmptyArrayKey],
                BsonArray array => array,
                _ => [v],
            }).ToList();
        return ascending ? candidates.Min(KeyOrder)! : candidates.Max(KeyOrder)!;
    }

    private static int CompareKeys(BsonValue? a, BsonValue? b) => (a == EmptyArrayKey, b == EmptyArrayKey) switch
    {
        (true, true) => 0,
        (true, false) => b is BsonMinKey ? 1 : -1,
        (false, true) => a is BsonMinKey ? -1 : 1,
        _ => BsonOrder.Compare(a, b),
    };
}
