namespace ReplicaActors.Storage.Query;

/// <summary>Whether two dotted paths touch the same data: equal, or one a parent of the other ("a" and "a.b", not "a" and "ab").</summary>
internal static class PathOverlap
{
    /// <summary>Part by part, then shallower first: the order MongoDB applies update paths in, and one where each path is followed by those under it.</summary>
    public static readonly IComparer<string> PartOrder = Comparer<string>.Create((a, b) =>
        FieldPath.Split(a).Zip(FieldPath.Split(b), string.CompareOrdinal).FirstOrDefault(c => c != 0) is var byPart and not 0
            ? byPart
            : a.Count(c => c == '.').CompareTo(b.Count(c => c == '.')));

    public static bool Overlaps(string a, string b) =>
        a == b || IsParentOf(a, b) || IsParentOf(b, a);

    /// <summary>The first pair of paths that overlap, in the order given, or null when all are independent.</summary>
    public static (string First, string Second)? FindFirst(IReadOnlyList<string> paths)
    {
        for (var i = 0; i < paths.Count; i++)
        {
            for (var j = i + 1; j < paths.Count; j++)
            {
                if (Overlaps(paths[i], paths[j]))
                {
                    return (paths[i], paths[j]);
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Some overlapping pair among many paths (such as those positional updates resolve to), found in n log n: in
    /// <see cref="PartOrder"/> a path under another comes after it with only paths under it in between.
    /// </summary>
    public static (string First, string Second)? FindAny(IEnumerable<string> paths)
    {
        var sorted = paths.OrderBy(p => p, PartOrder).ToList();
        for (var i = 1; i < sorted.Count; i++)
        {
            if (Overlaps(sorted[i - 1], sorted[i]))
            {
                return (sorted[i - 1], sorted[i]);
            }
        }

        return null;
    }

    private static bool IsParentOf(string parent, string child) =>
        child.Length > parent.Length && child.StartsWith(parent, StringComparison.Ordinal) && child[parent.Length] == '.';
}
