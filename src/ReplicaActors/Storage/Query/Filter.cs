using MongoDB.Bson;

namespace ReplicaActors.Storage.Query;

/// <summary>
/// A compiled query filter in MongoDB's language. Compile once, match many documents; every malformed
/// part is refused by <see cref="Compile"/>.
/// </summary>
public sealed class Filter
{
    private readonly IDocumentCondition condition;

    private Filter(IDocumentCondition condition, IReadOnlyList<(string Path, BsonValue Value)> equalityFields)
    {
        this.condition = condition;
        EqualityFields = equalityFields;
        IdEquality = equalityFields.FirstOrDefault(f => f.Path == "_id").Value;
    }

    /// <summary>
    /// The <c>_id</c> every matching document must have, when the filter pins it by equality; a store can
    /// look that one document up and still run <see cref="Matches"/> on it for the rest of the filter.
    /// </summary>
    public BsonValue? IdEquality { get; }

    /// <summary>Fields the filter pins to one value by equality (at the top level or under <c>$and</c>): the seed of an upsert.</summary>
    public IReadOnlyList<(string Path, BsonValue Value)> EqualityFields { get; }

    public static Filter Compile(BsonDocument filter) =>
        new(FilterCompiler.Compile(filter), EqualitiesOf(filter).ToList());

    public bool Matches(BsonDocument document) => condition.Matches(document, null);

    /// <summary>
    /// The array position a match of <paramref name="document"/> went through, which the positional <c>$</c> update
    /// takes; null when the document does not match or matched through no array.
    /// </summary>
    public int? PositionalIndex(BsonDocument document)
    {
        var details = new MatchDetails();
        return condition.Matches(document, details) ? details.ArrayIndex : null;
    }

    private static IEnumerable<(string Path, BsonValue Value)> EqualitiesOf(BsonDocument filter)
    {
        foreach (var element in filter)
        {
            if (element.Name == "$and")
            {
                foreach (var part in element.Value.AsBsonArray.Select(v => v.AsBsonDocument).SelectMany(EqualitiesOf))
                {
                    yield return part;
                }
            }
            else if (!element.Name.StartsWith('$') && PinnedValue(element.Value) is { } value)
            {
                yield return (element.Name, value);
            }
        }
    }

    /// <summary>The one value an implicit equality, <c>$eq</c> or single-element <c>$in</c> pins; regexes match rather than pin.</summary>
    private static BsonValue? PinnedValue(BsonValue value)
    {
        var pinned = value switch
        {
            _ when FilterCompiler.IsOperatorDocument(value) => value.AsBsonDocument.GetValue("$eq", null)
                ?? (value.AsBsonDocument.GetValue("$in", null) is BsonArray { Count: 1 } only ? only[0] : null),
            _ => value,
        };
        return pinned is BsonRegularExpression ? null : pinned;
    }
}
