using MongoDB.Bson;

namespace ReplicaActors.Cli.Output;

/// <summary>Lenient reads of reply fields: a server that leaves a field out gets a zero or an empty list, not a crash.</summary>
public static class ReplyFields
{
    public static long Long(BsonDocument reply, string name) =>
        reply.TryGetValue(name, out var value) && value.IsNumeric ? value.ToInt64() : 0;

    public static IReadOnlyList<BsonDocument> Documents(BsonDocument document, string name) =>
        document.TryGetValue(name, out var value) && value.IsBsonArray
            ? value.AsBsonArray.OfType<BsonDocument>().ToList()
            : [];

    /// <summary>The documents of a command cursor's first batch.</summary>
    public static IReadOnlyList<BsonDocument> FirstBatch(BsonDocument reply) =>
        reply.TryGetValue("cursor", out var cursor) && cursor.IsBsonDocument
            ? Documents(cursor.AsBsonDocument, "firstBatch")
            : [];

    /// <summary>Strings without quotes, everything else as relaxed Extended JSON: for labels and messages, not documents.</summary>
    public static string Plain(BsonValue value) => value.IsString ? value.AsString : ExtendedJson.Format(value);
}
