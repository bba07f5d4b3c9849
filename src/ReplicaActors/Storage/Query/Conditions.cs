using MongoDB.Bson;

namespace ReplicaActors.Storage.Query;

/// <summary>The values a condition looks at: those a path reaches in a document, or one array element. Resolved once per form.</summary>
internal sealed class PathValues(Func<bool, IReadOnlyList<Reached>> resolve)
{
    private IReadOnlyList<Reached>? expanded;
    private IReadOnlyList<Reached>? whole;

    public static PathValues At(BsonDocument document, string path) => new(expand => FieldPath.Reach(document, path, expand));

    /// <summary>An array element seen by <c>$elemMatch</c>: itself only, never expanded further.</summary>
    public static PathValues Single(BsonValue value) => new(_ => [new Reached(value, null)]);

    public IReadOnlyList<Reached> Get(bool expandLeafArrays) =>
        expandLeafArrays ? expanded ??= resolve(true) : whole ??= resolve(false);
}

/// <summary>
/// What a match records for the positional <c>$</c> update: the array position of the value that satisfied a
/// condition, as mongod records it (the last condition of an implicit or explicit <c>$and</c> that went through an
/// array wins; <c>$or</c>, <c>$nor</c> and negations record nothing).
/// </summary>
internal sealed class MatchDetails
{
    public int? ArrayIndex { get; private set; }

    public void Record(int? offset)
    {
        if (offset is not null)
        {
            ArrayIndex = offset;
        }
    }
}

/// <summary>A condition on the values at one path.</summary>
internal interface IValueCondition
{
    bool Matches(PathValues values, MatchDetails? details);
}

/// <summary>True when any reached value passes the test; array operators see arrays whole, the rest also see their elements.</summary>
internal sealed record AnyValue(Func<BsonValue?, bool> Test, bool ExpandLeafArrays) : IValueCondition
{
    public bool Matches(PathValues values, MatchDetails? details)
    {
        foreach (var reached in values.Get(ExpandLeafArrays))
        {
            if (Test(reached.Value))
            {
                details?.Record(reached.ArrayOffset);
                return true;
            }
        }

        return false;
    }
}

/// <summary><c>$elemMatch</c>: an array with an element that passes; that element's index is the match's position.</summary>
internal sealed record ElemMatchValue(Func<BsonValue, bool> Element) : IValueCondition
{
    public bool Matches(PathValues values, MatchDetails? details)
    {
        foreach (var reached in values.Get(expandLeafArrays: false))
        {
            if (reached.Value is BsonArray array && Enumerable.Range(0, array.Count).FirstOrDefault(i => Element(array[i]), -1) is var index and >= 0)
            {
                details?.Record(reached.ArrayOffset ?? index);
                return true;
            }
        }

        return false;
    }
}

/// <summary>Negation over the whole path, so <c>$ne: 1</c> refuses an array that contains 1.</summary>
internal sealed record NotValue(IValueCondition Inner) : IValueCondition
{
    public bool Matches(PathValues values, MatchDetails? details) => !Inner.Matches(values, null);
}

/// <summary>Several operators on one path, each judged on its own (<c>{$gt: 1, $lt: 5}</c> over an array).</summary>
internal sealed record AllValues(IReadOnlyList<IValueCondition> Parts) : IValueCondition
{
    public bool Matches(PathValues values, MatchDetails? details) => Parts.All(p => p.Matches(values, details));
}

/// <summary>A condition on a whole document.</summary>
internal interface IDocumentCondition
{
    bool Matches(BsonDocument document, MatchDetails? details);
}

internal sealed record PathCondition(string Path, IValueCondition Condition) : IDocumentCondition
{
    public bool Matches(BsonDocument document, MatchDetails? details) => Condition.Matches(PathValues.At(document, Path), details);
}

internal sealed record AndCondition(IReadOnlyList<IDocumentCondition> Parts) : IDocumentCondition
{
    public bool Matches(BsonDocument document, MatchDetails? details) => Parts.All(p => p.Matches(document, details));
}

internal sealed record OrCondition(IReadOnlyList<IDocumentCondition> Parts) : IDocumentCondition
{
    public bool Matches(BsonDocument document, MatchDetails? details) => Parts.Any(p => p.Matches(document, null));
}

internal sealed record NorCondition(IReadOnlyList<IDocumentCondition> Parts) : IDocumentCondition
{
    public bool Matches(BsonDocument document, MatchDetails? details) => !Parts.Any(p => p.Matches(document, null));
}
