using System.Text.RegularExpressions;
using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage.Query;

/// <summary>
/// An update's <c>arrayFilters</c>: each filter names one identifier by its top-level fields (<c>{"i.qty": {$gt: 5}}</c>
/// or <c>{i: 5}</c>) and says which elements a <c>$[i]</c> path part reaches. An element passes when the filter
/// matches it placed under the identifier's name, so conditions address the element or fields within it.
/// </summary>
internal sealed partial class ArrayFilters
{
    public static readonly ArrayFilters None = new(new Dictionary<string, Filter>());

    private static readonly HashSet<string> Logical = ["$and", "$or", "$nor"];

    private readonly IReadOnlyDictionary<string, Filter> filters;

    private ArrayFilters(IReadOnlyDictionary<string, Filter> filters) => this.filters = filters;

    public IEnumerable<string> Identifiers => filters.Keys;

    public bool Contains(string identifier) => filters.ContainsKey(identifier);

    public bool Passes(string identifier, BsonValue element) => filters[identifier].Matches(new BsonDocument(identifier, element));

    public static ArrayFilters Compile(BsonArray? specs)
    {
        if (specs is null)
        {
            return None;
        }

        var filters = new Dictionary<string, Filter>();
        foreach (var spec in specs)
        {
            if (spec is not BsonDocument document)
            {
                throw new ReplicaException(ErrorCode.FailedToParse, $"each array filter must be a document, got {spec}");
            }

            var identifier = IdentifierOf(document);
            if (!filters.TryAdd(identifier, Compile(document)))
            {
                throw new ReplicaException(ErrorCode.FailedToParse, $"Found multiple array filters with the same top-level field name {identifier}");
            }
        }

        return new ArrayFilters(filters);
    }

    private static Filter Compile(BsonDocument filter)
    {
        try
        {
            return Filter.Compile(filter);
        }
        catch (ReplicaException e)
        {
            throw Parsing(e.Code, e.Message);
        }
    }

    /// <summary>mongod's wording for a filter it could not read: the cause, after what was being parsed.</summary>
    private static ReplicaException Parsing(ErrorCode code, string cause) => new(code, $"Error parsing array filter :: caused by :: {cause}");

    /// <summary>The one name every field of the filter starts with, looking into <c>$and</c>, <c>$or</c> and <c>$nor</c>.</summary>
    private static string IdentifierOf(BsonDocument filter)
    {
        var names = TopLevelNames(filter).Distinct().Take(2).ToList();
        return names switch
        {
            [] => throw new ReplicaException(ErrorCode.FailedToParse, $"Cannot use an expression without a top-level field name in arrayFilters: {filter}"),
            [var first, var second, ..] => throw Parsing(ErrorCode.FailedToParse, $"Expected a single top-level field name, found '{first}' and '{second}'"),
            [var name] when !IdentifierPattern().IsMatch(name) => throw Parsing(ErrorCode.BadValue,
                $"The top-level field name must be an alphanumeric string beginning with a lowercase letter, found '{name}'"),
            [var name] => name,
        };
    }

    private static IEnumerable<string> TopLevelNames(BsonDocument filter) => filter.Elements.SelectMany(element =>
        !element.Name.StartsWith('$') ? [element.Name.Split('.')[0]]
        : Logical.Contains(element.Name) && element.Value is BsonArray parts ? parts.OfType<BsonDocument>().SelectMany(TopLevelNames)
        : []);

    [GeneratedRegex("^[a-z][a-zA-Z0-9]*$")]
    private static partial Regex IdentifierPattern();
}
