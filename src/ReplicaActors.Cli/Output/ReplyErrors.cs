using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Cli.Output;

/// <summary>Reads the ways a reply can say "no": <c>ok: 0</c>, <c>writeErrors</c> and <c>writeConcernError</c>.</summary>
public static class ReplyErrors
{
    /// <summary>"Error 11000 (DuplicateKey): ..." for a reply, write error or write concern error document.</summary>
    public static string Describe(BsonDocument error)
    {
        var code = error.TryGetValue("code", out var c) && c.IsNumeric ? c.ToInt32() : (int)ErrorCode.InternalError;
        var codeName = error.TryGetValue("codeName", out var n) && n.IsString ? n.AsString : null;
        var message = error.TryGetValue("errmsg", out var m) && m.IsString ? m.AsString : "command failed";
        return Describe(code, codeName, message);
    }

    public static string Describe(ReplicaException e) => Describe((int)e.Code, e.CodeName, e.Message);

    /// <summary>The reply's own error when the command failed as a whole, else null.</summary>
    public static string? CommandError(BsonDocument reply) => new CommandReply(reply).Ok ? null : Describe(reply);

    /// <summary>One line per write error and write concern error; empty when the write fully succeeded.</summary>
    public static IReadOnlyList<string> WriteFailures(BsonDocument reply)
    {
        var failures = WriteErrors(reply)
            .Select(e => $"write error at index {Field(e, "index")}: {Describe(e)}")
            .ToList();
        if (reply.TryGetValue("writeConcernError", out var wce) && wce.IsBsonDocument)
            failures.Add($"write concern error: {Describe(wce.AsBsonDocument)}");
        return failures;
    }

    public static IReadOnlyList<BsonDocument> WriteErrors(BsonDocument reply) => ReplyFields.Documents(reply, "writeErrors");

    private static string Describe(int code, string? codeName, string message) =>
        $"Error {code} ({codeName ?? KnownName(code)}): {message}";

    private static string KnownName(int code) =>
        Enum.IsDefined(typeof(ErrorCode), code) ? ((ErrorCode)code).ToString() : "Unknown";

    private static string Field(BsonDocument document, string name) =>
        document.TryGetValue(name, out var value) ? ExtendedJson.Format(value) : "?";
}
