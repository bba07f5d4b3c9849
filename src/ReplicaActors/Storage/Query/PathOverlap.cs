namespace ReplicaActors.Storage.Query;

/// <summary>Whether two dotted paths touch the same data: equal, or one a parent of the other ("a" and "a.b", not "a" and "ab").</summary>
internal static class PathOverlap
{
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

    private static bool IsParentOf(string parent, string child) =>
        child.Length > parent.Length && child.StartsWith(parent, StringComparison.Ordinal) && child[parent.Length] == '.';
}
