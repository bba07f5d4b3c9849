using MongoDB.Bson;

namespace ReplicaActors.Storage.Query;

/// <summary>The values a condition looks at: those a path reaches in a document, or one array element. Resolved once per form.</summary>
internal sealed class PathValues(Func<bool, IReadOnlyList<BsonValue?>> resolve)
{
    private IReadOnlyList<BsonValue?>? expanded;
    private IReadOnlyList<BsonValue?>? whole;

    public static PathValues At(BsonDocument document, string path) => new(expand => FieldPath.Resolve(document, path, expand));

    /// <summary>An array element seen by <c>$elemMatch</c>: itself only, never expanded further.</summary>
    public static PathValues Single(BsonValue value) => new(_ => [value]);

    public IReadOnlyList<BsonValue?> Get(bool expandLeafArrays) =>
        expandLeafArrays ? expanded ??= resolve(true) : whole ??= resolve(false);
}

/// <summary>A condition on the values at one path.</summary>
internal interface IValueCondition
{
    bool Matches(PathValues values);
}

/// <summary>True when any reached value passes the test; array operators see arrays whole, the rest also see their elements.</summary>
internal sealed record AnyValue(Func<BsonValue?, bool> Test, bool ExpandLeafArrays) : IValueCondition
{
    public bool Matches(PathValues values) => values.Get(ExpandLeafArrays).Any(Test);
}

/// <summary>Negation over the whole path, so <c>$ne: 1</c> refuses an array that contains 1.</summary>
internal sealed record NotValue(IValueCondition Inner) : IValueCondition
{
    public bool Matches(PathValues values) => !Inner.Matches(values);
}

/// <summary>Several operators on one path, each judged on its own (<c>{$gt: 1, $lt: 5}</c> over an array).</summary>
internal sealed record AllValues(IReadOnlyList<IValueCondition> Parts) : IValueCondition
{
    public bool Matches(PathValues values) => Parts.All(p => p.Matches(values));
}

/// <summary>A condition on a whole document.</summary>
internal interface IDocumentCondition
{
    bool Matches(BsonDocument document);
}

internal sealed record PathCondition(string Path, IValueCondition Condition) : IDocumentCondition
{
    public bool Matches(BsonDocument document) => Condition.Matches(PathValues.At(document, Path));
}

internal sealed record AndCondition(IReadOnlyList<IDocumentCondition> Parts) : IDocumentCondition
{
    public bool Matches(BsonDocument document) => Parts.All(p => p.Matches(document));
}

internal sealed record OrCondition(IReadOnlyList<IDocumentCondition> Parts) : IDocumentCondition
{
    public bool Matches(BsonDocument document) => Parts.Any(p => p.Matches(document));
}

internal sealed record NorCondition(IReadOnlyList<IDocumentCondition> Parts) : IDocumentCondition
{
    public bool Matches(BsonDocument document) => !Parts.Any(p => p.Matches(document));
}
