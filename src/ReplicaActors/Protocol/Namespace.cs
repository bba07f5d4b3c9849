namespace ReplicaActors.Protocol;

/// <summary>A database and collection name pair, "db.collection", validated by MongoDB's naming rules.</summary>
public readonly record struct Namespace(string Db, string Collection)
{
    private static readonly char[] BadDbChars = ['/', '\\', '.', ' ', '"', '$', '*', '<', '>', ':', '|', '?', '\0'];

    /// <summary>
    /// Where the set keeps its users (mongod's name and shape): the one <c>system.</c> collection that is written, as
    /// data that replicates, rolls back and is cloned like any other. Change streams leave it out, as all system collections.
    /// </summary>
    public static readonly Namespace Users = new("admin", "system.users");

    public string Full => $"{Db}.{Collection}";

    public override string ToString() => Full;

    /// <summary>Parses "db.collection" (the collection may itself contain dots).</summary>
    public static Namespace Parse(string ns)
    {
        var dot = ns.IndexOf('.');
        if (dot <= 0 || dot == ns.Length - 1)
            throw new ReplicaException(ErrorCode.InvalidNamespace, $"invalid namespace '{ns}': expected 'database.collection'");
        var result = new Namespace(ns[..dot], ns[(dot + 1)..]);
        result.Validate();
        return result;
    }

    public static void ValidateDb(string db)
    {
        if (string.IsNullOrEmpty(db))
            throw new ReplicaException(ErrorCode.InvalidNamespace, "invalid database name: it is empty");
        if (db.Length >= 64)
            throw new ReplicaException(ErrorCode.InvalidNamespace, $"invalid database name '{db}': longer than 63 characters");
        var bad = db.IndexOfAny(BadDbChars);
        if (bad >= 0)
            throw new ReplicaException(ErrorCode.InvalidNamespace, $"invalid database name '{db}': it contains '{db[bad]}'");
    }

    public void Validate()
    {
        ValidateDb(Db);
        if (string.IsNullOrEmpty(Collection))
            throw new ReplicaException(ErrorCode.InvalidNamespace, $"invalid collection name in '{Full}': it is empty");
        if (Collection.Contains('$'))
            throw new ReplicaException(ErrorCode.InvalidNamespace, $"invalid collection name '{Collection}': it contains '$'");
        if (Collection.Contains('\0'))
            throw new ReplicaException(ErrorCode.InvalidNamespace, $"invalid collection name '{Collection}': it contains a null character");
        if (Collection.StartsWith('.') || Collection.EndsWith('.'))
            throw new ReplicaException(ErrorCode.InvalidNamespace, $"invalid collection name '{Collection}': it starts or ends with '.'");
        if (Collection.StartsWith("system.", StringComparison.Ordinal) && this != Users)
            throw new ReplicaException(ErrorCode.InvalidNamespace, $"invalid collection name '{Collection}': 'system.' collections are reserved");
        if (Full.Length > 255)
            throw new ReplicaException(ErrorCode.InvalidNamespace, $"invalid namespace '{Full}': longer than 255 characters");
        if (Db == "local")
            throw new ReplicaException(ErrorCode.InvalidNamespace, $"invalid namespace '{Full}': the 'local' database is the member's own and is not replicated");
    }
}
