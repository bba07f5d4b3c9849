using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage.Query;

/// <summary>
/// A compiled projection: either the fields to keep or the fields to drop, by dotted path, looking into
/// arrays of documents. <c>_id</c> is kept unless excluded by name, which is the one exclusion an
/// inclusion projection may carry.
/// </summary>
public sealed class Projection
{
    private readonly PathTree tree;

    private Projection(bool isInclusion, PathTree tree)
    {
        IsInclusion = isInclusion;
        this.tree = tree;
    }

    /// <summary>True when the projection lists the fields to keep; false when it lists those to drop (or is empty).</summary>
    public bool IsInclusion { get; }

    public static Projection Compile(BsonDocument projection)
    {
        var fields = projection.Elements.Select(e => (e.Name, Include: IncludeFlag(e))).ToList();
        var others = fields.Where(f => f.Name != "_id").ToList();
        var keepId = fields.Where(f => f.Name == "_id").Select(f => f.Include).DefaultIfEmpty(true).Last();
        var isInclusion = others.Count > 0 ? others[0].Include : fields.Any(f => f.Name == "_id") && keepId;

        if (others.FirstOrDefault(f => f.Include != isInclusion) is { Name: not null } mixed)
        {
            throw new ReplicaException(ErrorCode.BadValue,
                $"projection cannot mix inclusion and exclusion: '{mixed.Name}' is an {(isInclusion ? "exclusion" : "inclusion")} in an {(isInclusion ? "inclusion" : "exclusion")} projection");
        }

        var paths = others.Select(f => f.Name).ToList();
        if (PathOverlap.FindFirst(paths) is var (first, second))
        {
            throw new ReplicaException(ErrorCode.BadValue, $"projection paths collide: '{first}' and '{second}'");
        }

        if (keepId == isInclusion)
        {
            paths.Add("_id");
        }

        return new Projection(isInclusion, PathTree.Build(paths));
    }

    public BsonDocument Apply(BsonDocument document) =>
        IsInclusion ? Include(document, tree) : Exclude(document, tree);

    private static bool IncludeFlag(BsonElement element)
    {
        FieldPath.Split(element.Name);
        return element.Value switch
        {
            BsonBoolean b => b.Value,
            _ when element.Value.IsNumeric => BsonNumbers.ToDouble(element.Value) != 0,
            _ => throw new ReplicaException(ErrorCode.BadValue, $"projection of '{element.Name}' must be 0, 1, true or false, not {element.Value}"),
        };
    }

    private static BsonDocument Include(BsonDocument document, PathTree node)
    {
        var result = new BsonDocument();
        foreach (var element in document)
        {
            if (node.Children.TryGetValue(element.Name, out var child))
            {
                if (child.IsLeaf)
                {
                    result.Add(element.Name, element.Value.DeepClone());
                }
                else if (IncludeWithin(element.Value, child) is { } kept)
                {
                    result.Add(element.Name, kept);
                }
            }
        }

        return result;
    }

    /// <summary>A dotted inclusion keeps the named parts of documents, in arrays too; scalars along the way are dropped.</summary>
    private static BsonValue? IncludeWithin(BsonValue value, PathTree node) => value switch
    {
        BsonDocument d => Include(d, node),
        BsonArray a => new BsonArray(a.Select(e => IncludeWithin(e, node)).OfType<BsonValue>()),
        _ => null,
    };

    private static BsonDocument Exclude(BsonDocument document, PathTree node)
    {
        var result = new BsonDocument();
        foreach (var element in document)
        {
            if (!node.Children.TryGetValue(element.Name, out var child))
            {
                result.Add(element.Name, element.Value.DeepClone());
            }
            else if (!child.IsLeaf)
            {
                result.Add(element.Name, ExcludeWithin(element.Value, child));
            }
        }

        return result;
    }

    private static BsonValue ExcludeWithin(BsonValue value, PathTree node) => value switch
    {
        BsonDocument d => Exclude(d, node),
        BsonArray a => new BsonArray(a.Select(e => ExcludeWithin(e, node))),
        _ => value.DeepClone(),
    };

    /// <summary>Projected paths as a tree of field names; a leaf is a whole field kept or dropped.</summary>
    private sealed class PathTree
    {
        public Dictionary<string, PathTree> Children { get; } = new(StringComparer.Ordinal);

        public bool IsLeaf => Children.Count == 0;

        public static PathTree Build(IEnumerable<string> paths)
        {
            var root = new PathTree();
            foreach (var path in paths)
            {
                var node = root;
                foreach (var part in FieldPath.Split(path))
                {
                    node = node.Children.TryGetValue(part, out var next) ? next : node.Children[part] = new PathTree();
                }
            }

            return root;
        }
    }
}
