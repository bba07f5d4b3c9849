using MongoDB.Bson;

namespace ReplicaActors.Wire;

/// <summary>
/// One command as it came off the wire: its database (<c>$db</c>, or the OP_QUERY namespace), the command with
/// document sequences merged in, and what the connection adds.
/// </summary>
public sealed record WireRequest(string Db, BsonDocument Command, int ConnectionId, bool SecondaryOk = false)
{
    /// <summary>Fields only the wire protocol reads; the member never sees them.</summary>
    private static readonly string[] WireOnly =
        ["$db", "lsid", "$clusterTime", "txnNumber", "autocommit", "startTransaction", "apiVersion", "apiStrict", "apiDeprecationErrors", "maxTimeMS", "comment"];

    public string Name => Command.ElementCount == 0 ? "" : Command.GetElement(0).Name;

    public bool IsRetryableWrite => RetryableWrite.IsRetryable(Command);

    /// <summary>
    /// The command for the member: wire-only fields gone, a retryable write's session turned into its write id,
    /// and a legacy secondaryOk flag turned into the read preference the member reads.
    /// </summary>
    public BsonDocument ForMember()
    {
        var command = new BsonDocument(Command);
        foreach (var field in WireOnly) command.Remove(field);
        if (RetryableWrite.WriteId(Command) is { } writeId) command["writeId"] = writeId;
        if (SecondaryOk && !command.Contains("$readPreference")) command["$readPreference"] = new BsonDocument("mode", "secondaryPreferred");
        return command;
    }
}
