using System.Globalization;
using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage.Query;

/// <summary>
/// Update paths with positional parts, resolved against each document before the operator runs, so what is applied
/// (and logged) only ever names concrete paths: <c>$</c> is the array position the query matched, <c>$[]</c> every
/// element of the array, <c>$[id]</c> each element the array filter <c>id</c> accepts.
/// </summary>
internal static class PositionalPath
{
    public static bool IsPositional(string path) => FieldPath.Split(path).Any(p => p == "$" || IsArrayPart(p));

    public static bool HasMatchedPart(string path) => FieldPath.Split(path).Contains("$");

    /// <summary>The identifiers the path's <c>$[id]</c> parts name.</summary>
    public static IEnumerable<string> Identifiers(string path) =>
        FieldPath.Split(path).Where(IsArrayPart).Select(p => p[2..^1]).Where(id => id.Length > 0);

    /// <summary>Refuses what mongod refuses: positional parts first or twice, unknown identifiers, other <c>$</c>-prefixed parts.</summary>
    public static void Validate(string op, string path, ArrayFilters filters)
    {
        var parts = FieldPath.Split(path);
        if (parts.Count(p => p == "$") > 1)
        {
            throw new ReplicaException(ErrorCode.BadValue, $"Too many positional (i.e. '$') elements found in path '{path}'");
        }

        if (parts[0] == "$")
        {
            throw new ReplicaException(ErrorCode.BadValue, $"Cannot have positional (i.e. '$') element in the first position in path '{path}'");
        }

        if (IsArrayPart(parts[0]))
        {
            throw new ReplicaException(ErrorCode.BadValue, $"Cannot have array filter identifier (i.e. '$[<id>]') element in the first position in path '{path}'");
        }

        foreach (var part in parts.Where(p => p.StartsWith('$') && p != "$"))
        {
            if (!IsArrayPart(part))
            {
                throw new ReplicaException(ErrorCode.BadValue, $"{op} path '{path}' has a $-prefixed part '{part}' that is neither '$', '$[]' nor '$[<identifier>]'");
            }

            if (part[2..^1] is { Length: > 0 } identifier && !filters.Contains(identifier))
            {
                throw new ReplicaException(ErrorCode.BadValue, $"No array filter found for identifier '{identifier}' in path '{path}'");
            }
        }
    }

    /// <summary>
    /// The concrete paths <paramref name="path"/> stands for in <paramref name="document"/>; none when an array filter
    /// accepts no element. <paramref name="matched"/> is the query's array position, null when the query recorded none.
    /// </summary>
    public static IReadOnlyList<string> Expand(string path, BsonDocument document, int? matched, ArrayFilters filters)
    {
        var found = new List<string>();
        Walk(document, FieldPath.Split(path), 0, [], new Expansion(matched, filters, found));
        return found;
    }

    private sealed record Expansion(int? Matched, ArrayFilters Filters, List<string> Found);

    private static void Walk(BsonValue? current, string[] parts, int at, List<string> taken, Expansion expansion)
    {
        if (at == parts.Length)
        {
            expansion.Found.Add(string.Join('.', taken));
            return;
        }

        var part = parts[at] != "$" ? parts[at]
            : expansion.Matched?.ToString(CultureInfo.InvariantCulture)
                ?? throw new ReplicaException(ErrorCode.BadValue, "The positional operator did not find the match needed from the query.");
        if (!IsArrayPart(part))
        {
            Step(current switch
            {
                BsonDocument d => d.GetValue(part, null),
                BsonArray a when FieldPath.TryIndex(part, out var i) && i < a.Count => a[i],
                _ => null,
            }, part);
            return;
        }

        var prefix = string.Join('.', taken);
        var array = current switch
        {
            BsonArray a => a,
            null => throw new ReplicaException(ErrorCode.BadValue, $"The path '{prefix}' must exist in the document in order to apply array updates."),
            _ => throw new ReplicaException(ErrorCode.BadValue, $"Cannot apply array updates to non-array element {taken[^1]}: {current} (at '{prefix}')"),
        };
        var identifier = part[2..^1];
        for (var i = 0; i < array.Count; i++)
        {
            if (identifier.Length == 0 || expansion.Filters.Passes(identifier, array[i]))
            {
                Step(array[i], i.ToString(CultureInfo.InvariantCulture));
            }
        }

        void Step(BsonValue? next, string name)
        {
            taken.Add(name);
            Walk(next, parts, at + 1, taken, expansion);
            taken.RemoveAt(taken.Count - 1);
        }
    }

    private static bool IsArrayPart(string part) => part.Length >= 3 && part.StartsWith("$[", StringComparison.Ordinal) && part.EndsWith(']');
}
