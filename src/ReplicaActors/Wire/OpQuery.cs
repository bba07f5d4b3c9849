using MongoDB.Bson;

namespace ReplicaActors.Wire;

/// <summary>
/// The legacy OP_QUERY (opcode 2004). Drivers still open every connection with a hello on
/// <c>admin.$cmd</c> this way; nothing else is served over it.
/// </summary>
public sealed record OpQuery(int Flags, string FullCollectionName, BsonDocument Query)
{
    private const int SecondaryOkFlag = 4;

    public bool SecondaryOk => (Flags & SecondaryOkFlag) != 0;

    /// <summary>The database of a command query (<c>admin.$cmd</c> is on <c>admin</c>), or null for a plain query.</summary>
    public string? CommandDb => FullCollectionName.EndsWith(".$cmd", StringComparison.Ordinal) && FullCollectionName.Length > 5
        ? FullCollectionName[..^5]
        : null;

    /// <summary>The command, unwrapped from <c>{$query: {...}, $readPreference: {...}}</c> when a driver wrapped it.</summary>
    public BsonDocument Command()
    {
        if (Query.ElementCount == 0 || Query.GetElement(0).Name is not ("$query" or "query") || !Query[0].IsBsonDocument) return Query;
        var command = new BsonDocument(Query[0].AsBsonDocument);
        if (Query.TryGetValue("$readPreference", out var preference)) command["$readPreference"] = preference;
        return command;
    }

    public static OpQuery Parse(byte[] buffer, int length)
    {
        var span = buffer.AsSpan(0, length);
        var position = 0;
        var flags = BsonBytes.Int32(span, ref position, "the OP_QUERY flags");
        var name = BsonBytes.CString(span, ref position, "the OP_QUERY collection name");
        BsonBytes.Int32(span, ref position, "numberToSkip");
        BsonBytes.Int32(span, ref position, "numberToReturn");
        var query = BsonBytes.Document(buffer, 0, ref position, length, "the OP_QUERY query");
        // An optional field selector may follow; commands never use it.
        return new OpQuery(flags, name, query);
    }
}
