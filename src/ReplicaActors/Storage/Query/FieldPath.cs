using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage.Query;

/// <summary>
/// Reading values at dotted paths with MongoDB's array semantics: a name step over an array looks into
/// each document element, a numeric step over an array indexes it (and also looks into document
/// elements that have that field name). A missing value is returned as C# <c>null</c>.
/// </summary>
public static class FieldPath
{
    /// <summary>Splits a dotted path, refusing empty paths and empty parts.</summary>
    public static string[] Split(string path)
    {
        var parts = path.Split('.');
        if (path.Length == 0 || parts.Any(p => p.Length == 0))
        {
            throw new ReplicaException(ErrorCode.BadValue, $"field path '{path}' is empty or has an empty part");
        }

        return parts;
    }

    /// <summary>
    /// Every value the path reaches. With <paramref name="expandLeafArrays"/>, an array at the end of the path
    /// yields itself and each of its elements (how most query operators see arrays). Branches that end
    /// without the field yield a missing (null) entry; the result is never empty.
    /// </summary>
    public static IReadOnlyList<BsonValue?> Resolve(BsonDocument document, string path, bool expandLeafArrays) =>
        Reach(document, path, expandLeafArrays).Select(r => r.Value).ToList();

    /// <summary>
    /// <see cref="Resolve"/> with, for each value, its index in the outermost array the path went through
    /// (or, when that is the leaf array, the element's own index): what the positional <c>$</c> update reads.
    /// </summary>
    internal static IReadOnlyList<Reached> Reach(BsonDocument document, string path, bool expandLeafArrays)
    {
        var found = new List<Reached>();
        Walk(document, Split(path), 0, null, expandLeafArrays, found);
        if (found.Count == 0)
        {
            found.Add(new Reached(null, null));
        }

        return found;
    }

    /// <summary>The single value at the path without looking through arrays except by numeric index; null when missing.</summary>
    public static BsonValue? Get(BsonDocument document, string path)
    {
        BsonValue current = document;
        foreach (var part in Split(path))
        {
            BsonValue? next = current switch
            {
                BsonDocument d => d.TryGetValue(part, out var v) ? v : null,
                BsonArray a when TryIndex(part, out var i) && i < a.Count => a[i],
                _ => null,
            };
            if (next is null)
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    /// <summary>A path part that indexes an array: digits only, as MongoDB reads them.</summary>
    public static bool TryIndex(string part, out int index)
    {
        index = -1;
        return part.Length > 0 && part.All(char.IsAsciiDigit) && int.TryParse(part, out index);
    }

    private static void Walk(BsonValue value, string[] parts, int at, int? offset, bool expand, List<Reached> found)
    {
        if (at == parts.Length)
        {
            found.Add(new Reached(value, offset));
            if (expand && value is BsonArray leaf)
            {
                found.AddRange(leaf.Select((element, i) => new Reached(element, offset ?? i)));
            }

            return;
        }

        switch (value)
        {
            case BsonDocument document:
                if (document.TryGetValue(parts[at], out var child))
                {
                    Walk(child, parts, at + 1, offset, expand, found);
                }
                else
                {
                    found.Add(new Reached(null, offset));
                }

                break;
            case BsonArray array:
                var isIndex = TryIndex(parts[at], out var index);
                if (isIndex && index < array.Count)
                {
                    Walk(array[index], parts, at + 1, offset, expand, found);
                }

                // A numeric step reads document elements only where they really hold that field name.
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is BsonDocument element && (!isIndex || element.Contains(parts[at])))
                    {
                        Walk(element, parts, at, offset ?? i, expand, found);
                    }
                }

                break;
        }
    }
}

/// <summary>A value a path reached (null when missing), and the array position the positional <c>$</c> would take from it.</summary>
internal readonly record struct Reached(BsonValue? Value, int? ArrayOffset);
